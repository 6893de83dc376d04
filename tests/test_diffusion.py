"""Diffusion (ddpm-*) and flow matching (flow-matching-mnist): the samplers' steps, determinism and training loss."""
from __future__ import annotations

import pytest
import torch

from zoo.models.diffusion import DenoisingDiffusion, FlowMatching, alpha_bars

pytestmark = pytest.mark.usefixtures("one_torch_thread")

TINY = {"widths": [8, 8], "blocks": 1}


def tiny_ddpm() -> DenoisingDiffusion:
    torch.manual_seed(0)
    model = DenoisingDiffusion(**TINY, timesteps=100).eval()
    torch.nn.init.normal_(model.net.head[-1].weight, std=0.1)  # an untrained net predicts zeros; make it move
    return model


def tiny_flow() -> FlowMatching:
    torch.manual_seed(0)
    model = FlowMatching(**TINY).eval()
    torch.nn.init.normal_(model.net.head[-1].weight, std=0.1)
    return model


@pytest.mark.parametrize("schedule", ["cosine", "linear"])
def test_schedules_lose_signal_monotonically(schedule):
    abar = alpha_bars(1000, schedule)
    assert abar[0] > 0.99 and abar[-1] < 0.01
    assert (abar[1:] < abar[:-1]).all()


@pytest.mark.parametrize(("make", "options"), [
    (tiny_ddpm, {"sampler": "ddim"}), (tiny_ddpm, {"sampler": "ancestral"}),
    (tiny_flow, {"solver": "euler"}), (tiny_flow, {"solver": "heun"}),
])
def test_each_image_depends_only_on_its_seed_and_index(make, options):
    model = make()
    first = model.sample(4, seed=3, steps=4, **options)
    assert torch.equal(first, model.sample(4, seed=3, steps=4, **options))
    assert torch.allclose(model.sample(2, seed=3, steps=4, **options), first[:2], atol=1e-5)
    assert torch.allclose(model.sample(4, seed=3, steps=4, batch_size=3, **options), first, atol=1e-5)
    assert not torch.equal(first, model.sample(4, seed=4, steps=4, **options))


def test_steps_change_the_samples_and_default_to_the_configured_number():
    model = tiny_ddpm()
    assert not torch.allclose(model.sample(2, seed=0, steps=2), model.sample(2, seed=0, steps=10))
    assert torch.equal(model.sample(2, seed=0), model.sample(2, seed=0, steps=model.default_steps))


def test_ddim_is_deterministic_given_the_starting_noise_and_ancestral_is_not():
    model = tiny_ddpm()
    ddim = model.sample(2, seed=0, steps=5)
    ancestral = model.sample(2, seed=0, steps=5, sampler="ancestral")
    assert not torch.allclose(ddim, ancestral)
    assert torch.allclose(model.sample(2, seed=0, steps=1), model.sample(2, seed=0, steps=1, sampler="ancestral"))


@pytest.mark.parametrize("make", [tiny_ddpm, tiny_flow])
@pytest.mark.parametrize(("steps", "error"), [(0, ValueError), (-3, ValueError), (2.5, TypeError), ("10", TypeError), (True, TypeError)])
def test_bad_steps_are_refused(make, steps, error):
    with pytest.raises(error, match="steps"):
        make().sample(1, seed=0, steps=steps)


def test_ddpm_refuses_more_steps_than_timesteps_and_unknown_samplers():
    model = tiny_ddpm()
    with pytest.raises(ValueError, match="at most 100"):
        model.sample(1, seed=0, steps=101)
    with pytest.raises(ValueError, match="sampler"):
        model.sample(1, seed=0, sampler="euler")
    with pytest.raises(ValueError, match="solver"):
        tiny_flow().sample(1, seed=0, solver="rk45")


@pytest.mark.parametrize("make", [tiny_ddpm, tiny_flow])
def test_the_training_loss_falls_on_toy_data(make):
    from zoo.testing import example_images

    model = make().train()
    images = 2 * example_images((1, 28, 28), 16) - 1
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(0)
    before = model.loss(images, torch.Generator().manual_seed(1)).item()
    for _ in range(30):
        loss = model.loss(images, generator)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert model.loss(images, torch.Generator().manual_seed(1)).item() < before
