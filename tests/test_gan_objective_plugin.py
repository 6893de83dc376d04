"""A GAN loss from outside the zoo plugs into the core's GAN recipe, its state resumes exactly,
and ``zoo train --max-steps`` makes short, loadable, resumable runs."""
from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

import zoo
from zoo.cli import main
from zoo.train.gan_objectives import LOSSES
from zoo.train.state import load_checkpoint
from zoo.train.trainer import CHECKPOINT

PLUGIN = '''
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(ModelSpec(
        name="tempered-gan-crosses", family="gan", summary="DCGAN with a tempered hinge loss, on the toy crosses",
        paper="https://example.org/tempered", dataset="crosses",
        licence="MIT", build="zoo.models.dcgan:DCGANGenerator", recipe="tempered_gan.recipe:TemperedRecipe",
        config={"latent_dim": 8, "width": 8, "channels": 1, "clusters": 0, "image_size": 28},
    ))
'''

RECIPE = '''
import torch
import torch.nn.functional as F

from zoo.train.gan import GANRecipe
from zoo.train.gan_objectives import LOSSES, GANLoss
from zoo.train.settings import RATE


@LOSSES.register("tempered-hinge")
class TemperedHinge(GANLoss):
    """A hinge loss whose margin grows with every discriminator update: state the checkpoint must hold."""

    settings = ("temper",)

    def __init__(self, temper=0.01):
        super().__init__()
        self.temper = temper
        self.register_buffer("updates", torch.zeros((), dtype=torch.long))

    def discriminator(self, real, fake):
        self.updates += 1
        margin = 1 + self.temper * self.updates
        return F.relu(margin - real).mean() + F.relu(margin + fake).mean()

    def generator(self, fake, real=None):
        return -fake.mean()

    def logs(self):
        return {"updates": float(self.updates)}


class TemperedRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "batch_size": 32, "loss": "tempered-hinge", "temper": 0.5}
    bounds = {**GANRecipe.bounds, "temper": RATE}
'''


@pytest.fixture()
def tempered_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site = tmp_path / "site"
    (site / "tempered_gan").mkdir(parents=True)
    (site / "tempered_gan" / "__init__.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    (site / "tempered_gan" / "recipe.py").write_text(textwrap.dedent(RECIPE), encoding="utf-8")
    info = site / "tempered_gan-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tempered-gan\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[zoo]\ntempered = tempered_gan\n", encoding="utf-8")
    importlib.invalidate_caches()
    monkeypatch.syspath_prepend(str(site))
    zoo.core.registry.reset()
    yield tmp_path
    zoo.core.registry.reset()
    LOSSES.classes.pop("tempered-hinge", None)
    for module in ("tempered_gan", "tempered_gan.recipe"):
        sys.modules.pop(module, None)


def train(out: Path, *extra: str) -> None:
    assert main(["train", "tempered-gan-crosses", "--out", str(out), "--seed", "3", *extra]) == 0


def test_a_plugin_loss_trains_stops_early_and_resumes_bit_for_bit(tempered_plugin: Path, capsys) -> None:
    interrupted, straight = tempered_plugin / "interrupted", tempered_plugin / "straight"
    train(interrupted, "--max-steps", "2")
    assert "stopped after 2 steps" in capsys.readouterr().err
    first = load_checkpoint(interrupted / CHECKPOINT)
    assert first["step"] == 2 and int(first["recipe"]["loss"]["updates"]) == 2
    assert zoo.load(str(interrupted)).sample(2, seed=0).shape == (2, 1, 28, 28)  # a normal run folder

    train(interrupted, "--resume", "--max-steps", "4")
    train(straight, "--max-steps", "4")
    resumed, uninterrupted = load_file(interrupted / "model.safetensors"), load_file(straight / "model.safetensors")
    assert resumed.keys() == uninterrupted.keys()
    assert all(torch.equal(resumed[key], uninterrupted[key]) for key in resumed)
    states = [load_checkpoint(folder / CHECKPOINT)["recipe"] for folder in (interrupted, straight)]
    assert int(states[0]["loss"]["updates"]) == int(states[1]["loss"]["updates"]) == 4
    for name in ("discriminator", "opt_d"):
        assert torch.equal(
            torch.cat([t.flatten().float() for t in _tensors(states[0][name])]),
            torch.cat([t.flatten().float() for t in _tensors(states[1][name])]),
        ), name


def test_a_plugin_loss_is_chosen_by_name_and_a_typo_is_named(tempered_plugin: Path, capsys) -> None:
    out = tempered_plugin / "typo"
    assert main(["train", "tempered-gan-crosses", "--out", str(out), "--set", "loss=tempered-hinj"]) == 2
    err = capsys.readouterr().err
    assert "hyperparameter loss must be one of" in err and "tempered-hinge" in err
    assert not out.exists()


def test_a_run_already_at_max_steps_has_nothing_to_do(tempered_plugin: Path, capsys) -> None:
    out = tempered_plugin / "done"
    train(out, "--max-steps", "1")
    train(out, "--resume", "--max-steps", "1")
    assert "already at step 1" in capsys.readouterr().err


def _tensors(state: object) -> list[torch.Tensor]:
    if isinstance(state, torch.Tensor):
        return [state]
    if isinstance(state, dict):
        return [t for value in state.values() for t in _tensors(value)]
    if isinstance(state, (list, tuple)):
        return [t for value in state for t in _tensors(value)]
    return []
