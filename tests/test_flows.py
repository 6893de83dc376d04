"""Normalising flows (realnvp-mnist, glow-mnist): invertible layers, exact bits per dimension, temperature."""
from __future__ import annotations

import math

import pytest
import torch

from zoo.models.flows import ActNorm, AffineCoupling, InvertibleConv, Squeeze, checkerboard, channel_mask
from zoo_plugins.glow.model import Glow
from zoo_plugins.realnvp.model import RealNVP

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def moved(model: torch.nn.Module) -> torch.nn.Module:
    """The model with its zero-initialised coupling outputs and actnorms moved, so every layer does something."""
    torch.manual_seed(0)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, AffineCoupling):
                torch.nn.init.normal_(module.net.out[1].weight, std=0.02)
            if isinstance(module, ActNorm):
                module.bias.normal_(0, 0.1)
                module.log_scale.normal_(0, 0.1)
                module.initialised.fill_(True)
    return model.eval()


def tiny_models() -> list[torch.nn.Module]:
    torch.manual_seed(0)
    return [moved(RealNVP(hidden=8, couplings=2)), moved(Glow(hidden=8, steps=2))]


@pytest.mark.parametrize("layer", [
    Squeeze(), ActNorm(4), InvertibleConv(4),
    AffineCoupling(checkerboard(4, 6, 6, flip=True), 8, 1), AffineCoupling(channel_mask(4, 6, 6, flip=False), 8, 1),
])
def test_each_layer_inverts_and_reports_its_log_determinant(layer):
    moved(layer)
    x = torch.randn(2, 4, 6, 6, dtype=torch.float64)
    layer.double()
    y, logdet = layer(x)
    assert torch.allclose(layer.inverse(y), x, atol=1e-8)
    jacobian = torch.autograd.functional.jacobian(lambda v: layer(v.view(1, 4, 6, 6))[0].flatten(), x[0].flatten())
    assert torch.allclose(logdet[0], torch.linalg.slogdet(jacobian)[1], atol=1e-6)


@pytest.mark.parametrize("model", tiny_models(), ids=["realnvp", "glow"])
def test_latents_invert_to_the_images(model):
    images = torch.rand(3, 1, 28, 28) * 0.9 + 0.05
    latents, _ = model.to_latents(images)
    assert [tuple(z.shape[1:]) for z in latents] == model.latent_shapes()
    x = latents.pop()
    from zoo.models.flows import Split

    for layer in reversed(model.layers):
        x = torch.cat([x, latents.pop()], 1) if isinstance(layer, Split) else layer.inverse(x)
    assert torch.allclose(torch.sigmoid(x), model.alpha + (1 - 2 * model.alpha) * images, atol=1e-4)


@pytest.mark.parametrize("model", tiny_models(), ids=["realnvp", "glow"])
def test_bits_per_dim_is_finite_and_the_log_likelihood_in_bits(model):
    images = torch.randint(0, 256, (4, 1, 28, 28)).float() / 255
    log_likelihood = model.log_likelihood(images, seed=1)
    bits = model.bits_per_dim(images, seed=1)
    assert torch.isfinite(bits).all()
    assert torch.allclose(bits, -log_likelihood / (784 * math.log(2)))
    assert torch.allclose(model.log_likelihood(images, seed=1, batch_size=3), log_likelihood, atol=1e-4)
    assert not torch.equal(model.log_likelihood(images, seed=2), log_likelihood)  # another dequantisation
    measured = model.evaluation_metrics(images, torch.zeros(4))["bits_per_dim"]  # dequantised with seed 0
    assert measured == pytest.approx(model.bits_per_dim(images, seed=0).mean().item(), abs=1e-4)


def test_a_flow_that_does_nothing_gives_the_logit_densitys_bits():
    """With identity couplings the latents are the logits: log p is a standard normal's plus the logit's Jacobian."""
    model = RealNVP(hidden=8, couplings=2).eval()
    images = torch.full((1, 1, 28, 28), 128 / 255)
    u = torch.full((1, 1, 28, 28), 0.5)
    y = (128 + u) / 256
    x, logdet = model.preprocess(y)
    expected = -0.5 * (x**2 + math.log(2 * math.pi)).sum() + logdet.sum() - 784 * math.log(256)
    assert torch.allclose(model.log_density(y) - 784 * math.log(256), expected.reshape(1), atol=1e-3)
    assert torch.isfinite(model.log_likelihood(images)).all()


@pytest.mark.parametrize("model", tiny_models(), ids=["realnvp", "glow"])
def test_temperature_scales_the_latents(model):
    cold = model.sample(3, seed=0, temperature=0.0)
    assert torch.allclose(cold, cold[:1].expand_as(cold))  # every image is the mode's
    assert not torch.allclose(model.sample(3, seed=0, temperature=0.7), model.sample(3, seed=0))
    for bad in (-1.0, float("nan"), "warm"):
        with pytest.raises(ValueError, match="temperature"):
            model.sample(1, seed=0, temperature=bad)
