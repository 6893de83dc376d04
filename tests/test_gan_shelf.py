"""What the GAN flavours with extra networks offer their users: SGAN's classify, ClusterGAN's
cluster, CoGAN's pairs, EBGAN's pulling-away term, and SGAN's reproducible labelled subset."""
from __future__ import annotations

import pytest
import torch

from zoo.core.registry import get_spec
from zoo.data.datasets import ImageData
from zoo.hub.load import instantiate
from zoo.testing import example_images
from zoo_plugins.clustergan.metrics import matched_accuracy, purity
from zoo_plugins.ebgan.loss import pulling_away
from zoo_plugins.sgan.recipe import LabelledSubset


def test_sgan_classifies_images_into_its_classes() -> None:
    model = instantiate(get_spec("sgan-mnist")).eval()
    ids = model.classify(example_images(model.image_shape, 5))
    assert ids.shape == (5,) and ids.dtype == torch.long and ids.min() >= 0 and ids.max() < 10
    assert model.class_logits(model.sample(3, seed=0)).shape == (3, 10)
    with pytest.raises(ValueError, match="shape"):
        model.classify(torch.zeros(2, 3, 28, 28))


def test_sgan_reports_its_test_accuracy_from_classify() -> None:
    model = instantiate(get_spec("sgan-mnist")).eval()
    images = example_images(model.image_shape, 8)
    predicted = model.classify(images)
    assert model.evaluation_metrics(images, predicted) == {"test_accuracy": 1.0}
    wrong_half = torch.cat([predicted[:4], (predicted[4:] + 1) % 10])
    assert model.evaluation_metrics(images, wrong_half) == {"test_accuracy": 0.5}


def test_sgan_labelled_subset_is_balanced_and_follows_the_seed() -> None:
    data = ImageData(torch.rand(200, 1, 28, 28), torch.arange(200) % 10)
    picks = []
    for seed in (0, 0, 1):
        torch.manual_seed(seed)
        subset = LabelledSubset(30, (1, 28, 28))
        subset.pick(data, 10)
        picks.append(subset.images)
        assert torch.equal(torch.bincount(subset.labels, minlength=10), torch.full((10,), 3))
    assert torch.equal(picks[0], picks[1]) and not torch.equal(picks[0], picks[2])


def test_clustergan_samples_given_clusters_and_clusters_images() -> None:
    model = instantiate(get_spec("clustergan-mnist")).eval()
    x = model.sample(4, seed=0, clusters=[0, 1, 2, 3])
    assert x.shape == (4, 1, 28, 28)
    assert not torch.equal(x, model.sample(4, seed=0, clusters=[3, 2, 1, 0]))
    ids = model.cluster(x)
    assert ids.shape == (4,) and ids.dtype == torch.long and ids.max() < 10
    with pytest.raises(ValueError, match="clusters"):
        model.sample(2, clusters=[0, 10])


def test_clustergan_scores_clusters_against_labels_up_to_renaming() -> None:
    model = instantiate(get_spec("clustergan-mnist")).eval()
    images = model.sample(20, seed=0, clusters=torch.arange(20) % 10)
    ids = model.cluster(images)
    renamed = (ids + 3) % 10  # the same partition under other class names
    assert model.evaluation_metrics(images, renamed) == {"cluster_accuracy": 1.0, "cluster_purity": 1.0}
    assert model.evaluation_metrics(images, torch.zeros(20, dtype=torch.long) + 9)["cluster_purity"] == 1.0


def test_cogan_pairs_are_the_two_domains_of_one_code() -> None:
    model = instantiate(get_spec("cogan-mnist")).eval()
    digits, negatives = model.sample_pairs(3, seed=5)
    assert torch.equal(digits, model.sample(3, seed=5))
    assert torch.equal(negatives, model.sample(3, seed=5, domain=1))
    assert not torch.equal(digits, negatives)
    with pytest.raises(ValueError, match="domain"):
        model.sample(2, domain=2)


def test_pulling_away_term_is_zero_for_orthogonal_codes_and_one_for_parallel_ones() -> None:
    assert pulling_away(torch.eye(4)).item() == pytest.approx(0.0)
    assert pulling_away(torch.ones(4, 3) * torch.arange(1, 5).unsqueeze(1)).item() == pytest.approx(1.0)


def test_clustering_accuracy_matches_clusters_to_classes_one_to_one() -> None:
    labels = torch.arange(100) % 10
    renamed = (labels * 3 + 1) % 10  # the same clusters under other names
    assert matched_accuracy(renamed, labels, 10, 10) == 1.0 and purity(renamed, labels, 10, 10) == 1.0
    merged = labels.clamp(max=8)  # classes 8 and 9 share a cluster: one of them is lost
    assert matched_accuracy(merged, labels, 10, 10) == pytest.approx(0.9)
    assert purity(merged, labels, 10, 10) == pytest.approx(0.9)
    assert matched_accuracy(torch.zeros(100, dtype=torch.long), labels, 10, 10) == pytest.approx(0.1)
