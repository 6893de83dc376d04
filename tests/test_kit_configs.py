"""The conformance kit builds models on tiny configs (zoo.testing.tiny_config), so that its cost does not grow
with a flavour's published size, and checks the published config and weights as they are."""
from __future__ import annotations

import dataclasses

import pytest
from torch import nn

import zoo.core.registry
from zoo import testing
from zoo.core.spec import ModelSpec
from zoo.testing import ConformanceError

PUBLISHED = {"width": 64, "widths": [16, 32, 64], "hidden": [512, 4], "head": 128, "layers": 10, "steps": 8,
             "default_steps": 25, "latent_dim": 100, "channels": 3, "image_size": 28, "attention": False,
             "timesteps": 1000, "schedule": "cosine"}


class NeedsWideLayers(nn.Module):
    """A builder whose width must divide by 16: it says what the kit should build instead."""

    tiny_config = {"width": 16}

    def __init__(self, width: int = 64, layers: int = 10, **settings) -> None:
        super().__init__()
        if width % 16:
            raise ValueError(f"width must divide by 16, got {width}")
        self.net = nn.Sequential(*[nn.Linear(width, width) for _ in range(layers)])


class Plain(NeedsWideLayers):
    tiny_config = {}


def spec_of(builder: type, config: dict) -> ModelSpec:
    return ModelSpec(name="kit-config", family="gan", build=f"{__name__}:{builder.__name__}", summary="s",
                     dataset="crosses", licence="MIT", config=config)


def test_widths_and_depths_shrink_and_every_other_setting_stays() -> None:
    assert testing.tiny_config(spec_of(Plain, PUBLISHED)) == {
        **PUBLISHED, "width": 8, "widths": [8, 8, 8], "hidden": [8, 4], "head": 8, "layers": 2, "steps": 2,
        "default_steps": 2,
    }


def test_a_builders_own_tiny_config_goes_on_top() -> None:
    assert testing.tiny_config(spec_of(NeedsWideLayers, {"width": 64, "layers": 10})) == {"width": 16, "layers": 2}


def test_checks_build_on_the_tiny_config_and_spec_and_weights_on_the_published_one(monkeypatch) -> None:
    seen = {}
    for name in ("spec", "sample"):
        record = lambda spec, name=name: seen.__setitem__(name, dict(spec.config))  # noqa: E731
        monkeypatch.setitem(testing.CHECKS, name, dataclasses.replace(testing.CHECKS[name], run=record))
    testing.run_check("pixelcnn-mnist", "spec")
    testing.run_check("pixelcnn-mnist", "sample")
    spec = zoo.core.registry.get_spec("pixelcnn-mnist")
    assert seen["spec"] == dict(spec.config)
    assert seen["sample"] == testing.tiny_config(spec) != dict(spec.config)
    assert [name for name, check in testing.CHECKS.items() if check.published] == ["spec", "weights"]


def test_a_crash_on_the_tiny_config_names_it(monkeypatch) -> None:
    monkeypatch.setattr(testing, "get_spec", lambda name: spec_of(Plain, {"width": 64}))
    monkeypatch.setattr(Plain, "tiny_config", {"width": 12})
    with pytest.raises(ConformanceError, match=r"kit-config: sample: ValueError: width must divide by 16, got 12 "
                                               r"\(built on the kit's tiny config \{'width': 12\}\)"):
        testing.run_check("kit-config", "sample")
