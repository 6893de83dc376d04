"""Quality metrics: class statistics, label accuracy, Fréchet distance, and MNIST's evaluation network."""
from __future__ import annotations

import math

import pytest
import torch
from conftest import MNIST_ROOT, needs_mnist

from zoo.evaluate.quality import class_stats, frechet_distance, label_accuracy


def one_hot(classes: list[int], confidence: float = 1.0) -> torch.Tensor:
    probs = torch.full((len(classes), 10), (1 - confidence) / 9)
    probs[torch.arange(len(classes)), torch.tensor(classes)] = confidence
    return probs


def test_uniform_classes_have_zero_kl_and_full_coverage():
    stats = class_stats(one_hot(list(range(10)) * 50))
    assert stats == {"class_coverage": 10, "kl_to_uniform": 0.0, "confident_fraction": 1.0}


def test_mode_collapse_shows_in_coverage_and_kl():
    stats = class_stats(one_hot([3] * 100))
    assert stats["class_coverage"] == 1
    assert stats["kl_to_uniform"] == pytest.approx(math.log(10), abs=1e-4)


def test_confident_fraction_counts_probabilities_above_0_9():
    probs = torch.cat([one_hot([1] * 30, 0.95), one_hot([2] * 70, 0.5)])
    assert class_stats(probs)["confident_fraction"] == pytest.approx(0.3)


def test_class_statistics_count_the_classes_the_probabilities_have():
    probs = torch.eye(4)[[0, 1, 2, 3] * 5]
    assert class_stats(probs) == {"class_coverage": 4, "kl_to_uniform": 0.0, "confident_fraction": 1.0}
    assert class_stats(probs[:10])["class_coverage"] == 4 and class_stats(torch.eye(4)[[2] * 8])["class_coverage"] == 1


def test_label_accuracy_is_the_fraction_whose_top_class_is_the_label():
    probs = one_hot([1, 2, 3, 4])
    assert label_accuracy(probs, torch.tensor([1, 2, 0, 0])) == 0.5
    assert label_accuracy(one_hot([0, 1, 2]), torch.tensor([0, 1, 1])) == 0.6667  # rounded to 4 digits


def test_frechet_distance_of_a_set_with_itself_is_zero():
    features = torch.randn(2000, 16, generator=torch.Generator().manual_seed(0))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_of_shifted_gaussians_is_the_squared_shift():
    gen = torch.Generator().manual_seed(1)
    a = torch.randn(20000, 8, generator=gen)
    b = torch.randn(20000, 8, generator=gen) + 2.0
    assert frechet_distance(a, b) == pytest.approx(8 * 4.0, rel=0.03)


def test_frechet_distance_sees_a_change_of_scale():
    gen = torch.Generator().manual_seed(2)
    a = torch.randn(20000, 4, generator=gen)
    b = 3 * torch.randn(20000, 4, generator=gen)
    # trace(S_a + S_b - 2 sqrt(S_a S_b)) = 4 * (1 + 9 - 2 * 3)
    assert frechet_distance(a, b) == pytest.approx(16.0, rel=0.05)


@needs_mnist
def test_the_mnist_evaluation_network_recognises_real_test_digits():
    from zoo.data.datasets import load_dataset
    from zoo.evaluate.quality import classify, load_evaluator

    test = load_dataset("mnist", MNIST_ROOT, train=False)
    probs, features = classify(load_evaluator("mnist"), test.images[:2000])
    assert (probs.argmax(1) == test.labels[:2000]).double().mean() > 0.98
    assert features.shape == (2000, 128)
