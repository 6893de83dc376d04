"""Row LSTM PixelRNN (pixelrnn-mnist): causal in raster order, and sampling follows its exact likelihood."""
from __future__ import annotations

import pytest
import torch

from zoo.models.noise import SampleNoise
from zoo_plugins.pixelrnn.model import PixelRNN

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def tiny(layers: int = 3) -> PixelRNN:
    torch.manual_seed(0)
    model = PixelRNN(hidden=6, layers=layers, head=8).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.5)
    return model


def test_logit_t_depends_only_on_pixels_before_t():
    model = tiny()
    x = torch.rand(1, 1, 28, 28, requires_grad=True)
    logits = model(x).flatten()
    for t in (0, 1, 27, 28, 29, 55, 56, 400, 419, 783):
        (gradient,) = torch.autograd.grad(logits[t], x, retain_graph=True)
        seen = gradient.flatten() != 0
        assert not seen[t:].any(), f"logit {t} depends on pixels at or after it"
        assert t % 28 == 0 or seen[t - 1], f"logit {t} ignores the pixel on its left"  # (a row's first: Row LSTM's
        # context is a triangle above, so it sees the row above only near its own column)
        assert t < 28 or seen[t - 28], f"logit {t} ignores the pixel above it"


@pytest.mark.parametrize("layers", [1, 3])
def test_the_sampled_paths_log_probability_is_the_exact_likelihood(layers):
    """Sampling runs pixel by pixel, the likelihood row by row: both give the same sum over pixels."""
    model = tiny(layers)
    images, log_prob = model.draw(SampleNoise.seeded(0, 4))
    assert set(images.unique().tolist()) <= {0.0, 1.0}
    assert torch.allclose(model.log_likelihood(images), log_prob, atol=1e-3)


def test_layers_and_kernel_are_checked():
    with pytest.raises(ValueError, match="layers"):
        PixelRNN(layers=0)
