"""The pixel RNN (rnn-mnist): samples, exact and causal likelihood, input checks, training."""
from __future__ import annotations

import json
import math

import pytest
import torch
import torch.nn.functional as F

import zoo
from zoo_plugins.crosses.data import crosses
from zoo.hub.load import instantiate
from zoo.models.noise import SampleNoise
from zoo.core.registry import get_spec
from zoo.train.trainer import Trainer

from conftest import MNIST_ROOT, needs_mnist, needs_weights

pytestmark = pytest.mark.usefixtures("one_torch_thread")

NAME = "rnn-mnist"


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return instantiate(get_spec(NAME)).eval()


def binary_images(n: int, seed: int = 0) -> torch.Tensor:
    return torch.bernoulli(torch.full((n, 1, 28, 28), 0.3), generator=torch.Generator().manual_seed(seed))


def test_samples_are_binary_images_fixed_by_the_seed(model):
    a = model.sample(3, seed=5)
    assert a.shape == (3, 1, 28, 28) and a.dtype == torch.float32
    assert set(a.unique().tolist()) <= {0.0, 1.0}
    assert torch.equal(a, model.sample(3, seed=5, batch_size=2))
    assert not torch.equal(a, model.sample(3, seed=6))


def test_likelihood_of_a_sample_is_the_product_of_the_conditionals_it_was_drawn_from(model):
    images, log_prob = model.draw(SampleNoise.seeded(1, 4))
    assert torch.allclose(model.log_likelihood(images), log_prob, atol=1e-3)
    logits = model(images)
    per_pixel = torch.where(images.flatten(1) > 0, F.logsigmoid(logits), F.logsigmoid(-logits))
    assert torch.allclose(per_pixel.sum(1), log_prob, atol=1e-3)


def test_the_logit_of_a_pixel_depends_only_on_the_pixels_before_it(model):
    x = binary_images(1)
    for t in (0, 30, 400, 783):
        flipped = x.clone().view(-1)
        flipped[t] = 1 - flipped[t]
        with torch.no_grad():
            before, after = model(x), model(flipped.view_as(x))
        assert torch.equal(before[:, : t + 1], after[:, : t + 1]), f"flipping pixel {t} changed an earlier logit"
        if t < 783:
            assert not torch.equal(before[:, t + 1], after[:, t + 1]), f"pixel {t + 1} ignores pixel {t}"


def test_each_step_reads_the_previous_pixel_and_the_window_of_the_row_above(model):
    x = binary_images(1)
    seen = []
    hook = model.rnn.register_forward_hook(lambda module, args, out: seen.append(args[0]))
    with torch.no_grad():
        model(x)
    hook.remove()
    steps = seen[0][0]
    image = F.pad(x[0, 0], (2, 2, 1, 0))  # a zero row above, two zero columns each side
    for row, col in ((0, 0), (1, 0), (5, 27), (13, 14), (27, 3)):
        t = row * 28 + col
        previous = x.view(-1)[t - 1] if t else 0.0
        assert steps[t, 0] == previous
        assert torch.equal(steps[t, 1:6], image[row, col : col + 5])
        assert steps[t, 6 + row] == 1 and steps[t, 6 + 28 + col] == 1 and steps[t, 6:].sum() == 2


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (torch.zeros(2, 1, 28, 27), ValueError, r"shape \(N, 1, 28, 28\)"),
        (torch.zeros(2, 3, 28, 28), ValueError, r"shape \(N, 1, 28, 28\)"),
        (torch.full((2, 1, 28, 28), float("nan")), ValueError, "NaN"),
        (torch.ones(2, 1, 28, 28, dtype=torch.uint8), TypeError, "float"),
        (torch.ones(2, 1, 28, 28) * 255, ValueError, r"\[0, 1\]"),
        (torch.full((2, 1, 28, 28), 0.5), ValueError, "binary"),
        ([[0.0] * 28] * 28, TypeError, "torch.Tensor"),
    ],
)
def test_log_likelihood_refuses_bad_images(model, bad, error, message):
    with pytest.raises(error, match=message):
        model.log_likelihood(bad)


def test_window_must_be_a_positive_odd_width():
    spec = get_spec(NAME)
    for window in (0, 4):
        with pytest.raises(ValueError, match="positive odd"):
            instantiate(spec, {**spec.config, "window": window})


def test_evaluation_metrics_give_the_nll_of_the_test_set_binarised_with_seed_0(model):
    grey = torch.rand(6, 1, 28, 28, generator=torch.Generator().manual_seed(3))
    metrics = model.evaluation_metrics(grey, torch.zeros(6, dtype=torch.long))
    binary = torch.bernoulli(grey, generator=torch.Generator().manual_seed(0))
    assert metrics["nll"] == pytest.approx(-model.log_likelihood(binary).mean().item(), abs=0.01)
    assert metrics["bits_per_dim"] == pytest.approx(metrics["nll"] / (784 * math.log(2)), abs=1e-4)
    assert set(model.metric_notes) == set(metrics)


def test_a_tiny_run_through_the_trainer_lowers_the_nll(tmp_path):
    data = crosses(128, seed=0)[0]
    hparams = {"epochs": 1, "batch_size": 16, "lr": 1e-2}
    config = {"hidden": 16}
    run = Trainer(get_spec(NAME), tmp_path, data=data, hparams=hparams, model_config=config, seed=0, progress=False).run()
    trace = [json.loads(line)["nll"] for line in (run / "steps.jsonl").read_text().splitlines()]
    assert len(trace) == 8
    assert sum(trace[-3:]) / 3 < 0.85 * sum(trace[:3]) / 3, trace
    assert zoo.load(run).sample(2, seed=0).shape == (2, 1, 28, 28)


@needs_weights(NAME)
def test_published_samples_cover_every_digit():
    rnn = zoo.load(NAME)
    classifier = zoo.load("mnist-classifier")
    predicted = classifier(rnn.sample(500, seed=0)).argmax(1)
    assert torch.bincount(predicted, minlength=10).min() > 0


@needs_weights(NAME)
@needs_mnist
def test_published_model_assigns_test_digits_a_low_nll():
    from zoo.data.datasets import load_dataset

    test = load_dataset("mnist", MNIST_ROOT, train=False)
    binary = torch.bernoulli(test.images[:500], generator=torch.Generator().manual_seed(0))
    nll = -zoo.load(NAME).log_likelihood(binary).mean().item()
    assert nll < 110
