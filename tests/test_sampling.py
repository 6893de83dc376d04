"""The sampling contract of zoo.models.base.GenerativeModel, on a randomly initialised DCGAN."""
from __future__ import annotations

import pytest
import torch

import zoo
from zoo.hub.load import instantiate
from zoo.models.base import ConditionalModel
from zoo.core.registry import get_spec


@pytest.fixture(scope="module")
def generator():
    torch.manual_seed(0)
    return instantiate(get_spec("dcgan-mnist")).eval()


def test_sample_shape_range_and_dtype(generator):
    images = generator.sample(5, seed=0)
    assert images.shape == (5, 1, 28, 28)
    assert images.dtype == torch.float32
    assert images.min() >= 0 and images.max() <= 1


def test_same_seed_same_images_other_seed_other_images(generator):
    assert torch.equal(generator.sample(8, seed=3), generator.sample(8, seed=3))
    assert not torch.equal(generator.sample(8, seed=3), generator.sample(8, seed=4))


def test_large_n_is_batched(generator, monkeypatch):
    sizes = []
    original = generator.generate
    monkeypatch.setattr(generator, "generate", lambda noise: sizes.append(len(noise)) or original(noise))
    generator.sample(2500, seed=0)
    assert sizes == [1000, 1000, 500]


def test_a_huge_count_streams_its_first_batch_at_once(generator):
    """Streaming more images than fit in memory starts at once: no per-image state is made
    for batches not yet reached, and each batch is still the same images as a small call."""
    batches = generator.sample_batches(10**12, seed=5, batch_size=4)
    assert torch.equal(next(batches), generator.sample(4, seed=5))
    assert torch.equal(next(batches), generator.sample(8, seed=5)[4:])


@pytest.mark.parametrize("n", [0, -3])
def test_non_positive_n_is_a_value_error(generator, n):
    with pytest.raises(ValueError, match="positive int"):
        generator.sample(n)


@pytest.mark.parametrize("n", [2.0, "8", None, True])
def test_non_integer_n_is_a_type_error(generator, n):
    with pytest.raises(TypeError, match="positive int"):
        generator.sample(n)


def test_bad_seed_and_batch_size(generator):
    with pytest.raises(TypeError, match="seed"):
        generator.sample(2, seed="zero")
    with pytest.raises(ValueError, match="batch_size"):
        generator.sample(2, batch_size=0)


def test_unexpected_keyword_is_rejected(generator):
    with pytest.raises(TypeError, match="labels"):
        generator.sample(2, labels=[1, 2])


def test_dtype_and_device_moves(generator):
    half = instantiate(get_spec("dcgan-mnist")).eval().to(torch.bfloat16)
    images = half.sample(4, seed=0)
    assert images.dtype == torch.float32 and images.shape == (4, 1, 28, 28)
    assert generator.sample(2, seed=0, device="cpu").device.type == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_gives_the_cpu_images():
    model = zoo.load("dcgan-mnist")
    cpu = model.sample(16, seed=0)
    gpu = zoo.load("dcgan-mnist", device="cuda").sample(16, seed=0)
    assert gpu.device.type == "cuda"
    assert torch.allclose(cpu, gpu.cpu(), atol=1e-3)


class _Echo(ConditionalModel):
    """A conditional model whose images encode their label (for testing the label plumbing)."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.ones(()))

    def generate(self, noise, labels):
        return (labels.float() / 9).view(-1, 1, 1, 1).expand(len(noise), 1, 28, 28) * self.scale


def test_conditional_labels_are_passed_per_batch():
    images = _Echo().sample(5, labels=[0, 9, 3, 3, 1], batch_size=2)
    assert torch.allclose(images[:, 0, 0, 0] * 9, torch.tensor([0.0, 9, 3, 3, 1]))


def test_conditional_labels_none_are_uniform_and_seeded():
    model = _Echo()
    first = model.sample(2000, seed=0)[:, 0, 0, 0]
    assert torch.equal(first, model.sample(2000, seed=0)[:, 0, 0, 0])
    counts = torch.bincount((first * 9).round().long(), minlength=10)
    assert counts.min() > 120


@pytest.mark.parametrize(
    "labels, error, message",
    [
        ([0, 1], ValueError, "expected 3, got 2"),
        ([0, 1, 10], ValueError, r"\[0, 10\)"),
        ([0, -1, 2], ValueError, r"\[0, 10\)"),
        ([0.0, 1.0, 2.0], TypeError, "integers"),
        ("abc", TypeError, "labels"),
    ],
)
def test_conditional_labels_are_validated(labels, error, message):
    with pytest.raises(error, match=message):
        _Echo().sample(3, labels=labels)
