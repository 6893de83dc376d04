"""The EMA generator of the GAN recipes warms up, so that a short run's average forgets the random start."""
from __future__ import annotations

import pytest
import torch

from zoo import testing
from zoo.data.datasets import batches
from zoo.core.registry import get_spec
from zoo.train.trainer import WARMED_UP, ema_decay

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_the_decay_warms_up_to_the_configured_one() -> None:
    assert ema_decay(0.999, 0) == pytest.approx(0.1)
    assert ema_decay(0.999, 90) == pytest.approx(0.91)
    assert ema_decay(0.999, 100_000) == 0.999


def distance(a: torch.nn.Module, b: dict[str, torch.Tensor]) -> float:
    return sum(float((p.detach() - b[name].detach()).norm()) for name, p in a.named_parameters())


def test_after_a_few_steps_the_ema_follows_the_generator_not_its_start() -> None:
    spec = get_spec("gan-mnist")
    data = testing.tiny_data(spec, 64)
    recipe = spec.recipe_class()(spec, dict(spec.config), testing.tiny_hparams(spec, 8), torch.device("cpu"), 8)
    recipe.prepare(data)
    start = {name: p.detach().clone() for name, p in recipe.ema.named_parameters()}
    for images, labels in batches(data, 8, seed=0):
        recipe.train_step(images, labels)
    generator = dict(recipe.generator.named_parameters())
    assert int(recipe.ema_updates.count) == 8
    assert distance(recipe.ema, generator) < 0.5 * distance(recipe.ema, start)


def test_a_checkpoint_from_before_the_warm_up_resumes_past_it() -> None:
    spec = get_spec("gan-mnist")
    make = lambda: spec.recipe_class()(spec, dict(spec.config), testing.tiny_hparams(spec), torch.device("cpu"), 8)  # noqa: E731
    state = make().state_dict()
    del state["ema_updates"]
    resumed = make()
    resumed.load_state_dict(state)
    assert int(resumed.ema_updates.count) == WARMED_UP
    assert ema_decay(0.999, WARMED_UP) == 0.999
