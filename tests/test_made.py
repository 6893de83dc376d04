"""MADE (made-mnist): the masks make it autoregressive, and sampling follows its exact likelihood."""
from __future__ import annotations

import pytest
import torch

import zoo
from conftest import MNIST_ROOT, needs_mnist, needs_weights
from zoo.models.likelihood import binarise
from zoo.models.noise import SampleNoise
from zoo_plugins.made.model import MADE

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def tiny(hidden=(32, 16), direct=True) -> MADE:
    torch.manual_seed(0)
    model = MADE(hidden=list(hidden), direct=direct).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.3)
    return model


@pytest.mark.parametrize(("hidden", "direct"), [((32,), True), ((32, 16), False), ((40, 20, 30), True)])
def test_output_d_depends_only_on_inputs_before_d(hidden, direct):
    model = tiny(hidden, direct)
    x = torch.rand(1, 784, requires_grad=True)
    logits = model(x).flatten()
    for d in (0, 1, 2, 100, 500, 783):
        (gradient,) = torch.autograd.grad(logits[d], x, retain_graph=True)
        seen = gradient.flatten() != 0
        assert not seen[d:].any(), f"output {d} depends on inputs at or after it"
        assert d == 0 or seen[0], f"output {d} ignores the first input"


def test_drawn_images_have_the_log_probability_the_likelihood_gives():
    model = tiny()
    images, log_prob = model.draw(SampleNoise.seeded(0, 5))
    assert torch.allclose(model.log_likelihood(images), log_prob, atol=1e-3)


def test_hidden_sizes_are_checked():
    with pytest.raises(ValueError, match="hidden"):
        MADE(hidden=[])


@needs_weights("made-mnist")
@needs_mnist
def test_published_model_assigns_test_digits_the_papers_nll():
    """The target is at most 88.5 nats on the whole test set; 500 digits spread by about a nat."""
    from zoo.data.datasets import load_dataset

    test = load_dataset("mnist", MNIST_ROOT, train=False)
    nll = -zoo.load("made-mnist").log_likelihood(binarise(test.images[:500])).mean().item()
    assert nll < 89.5
