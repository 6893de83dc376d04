"""Hyperparameters are declared with types and ranges and checked wherever they come from."""
from __future__ import annotations

import re

import pytest
import torch

from zoo.cli import main
from zoo.core.registry import get_registry, get_spec
from zoo.train.settings import SettingError, check_hparams, undeclared
from zoo.train.state import load_checkpoint, save_atomic
from zoo.train.trainer import CHECKPOINT, Trainer
from zoo_plugins.crosses.data import load as load_crosses

DCGAN = get_spec("dcgan-mnist").recipe_class()


@pytest.mark.parametrize(
    "setting, message",
    [
        ("lr_gg=0.001", r"DCGANRecipe has no hyperparameter 'lr_gg'; did you mean lr_g"),
        ("lr=0.001", r"has no hyperparameter 'lr'; did you mean lr_g or lr_d"),
        ("lr_g=abc", r"hyperparameter lr_g must be a number, got 'abc'"),
        ("lr_g=0", r"hyperparameter lr_g must be > 0, got 0"),
        ("batch_size=0", r"hyperparameter batch_size must be >= 1, got 0"),
        ("batch_size=-1", r"hyperparameter batch_size must be >= 1, got -1"),
        ("batch_size=2.5", r"hyperparameter batch_size must be a whole number, got 2.5"),
        ("epochs=-1", r"hyperparameter epochs must be >= 1, got -1"),
        ("loss=hinged", r"hyperparameter loss must be one of .*hinge"),
        ("betas=[0.5]", r"hyperparameter betas must be a list of 2 items"),
        ("betas=[0.5, 2]", r"hyperparameter betas must be <= 1, got \[0.5, 2\]"),
    ],
)
def test_bad_settings_are_refused_in_one_line_before_anything_is_written(tmp_path, capsys, setting, message):
    out = tmp_path / "run"
    code = main(["train", "dcgan-mnist", "--dataset", "crosses", "--set", setting, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(message, err), err
    assert not out.exists()


def test_good_settings_are_typed_from_the_defaults():
    hparams = check_hparams(DCGAN, {"lr_g": 1, "betas": [0, 0.9], "epochs": 3})
    assert hparams["lr_g"] == 1.0 and isinstance(hparams["lr_g"], float)
    assert hparams["epochs"] == 3 and hparams["real_label"] == DCGAN.defaults["real_label"]


def test_every_registered_recipe_declares_its_ranges_and_its_defaults_pass_them():
    registry = get_registry()
    for name in registry.names():
        spec = registry.specs[name]
        if spec.recipe is None:
            continue
        recipe = spec.recipe_class()
        assert undeclared(recipe) == [], f"{name}: no declared range for {undeclared(recipe)}"
        check_hparams(recipe, dict(recipe.defaults))


def test_a_recipe_built_in_code_checks_its_hyperparameters_too():
    spec = get_spec("dcgan-mnist")
    with pytest.raises(SettingError, match="ema_decay must be <= 1"):
        DCGAN(spec, spec.config, {"ema_decay": 1.5}, torch.device("cpu"), 1)


def test_resume_refuses_a_checkpoint_whose_settings_are_out_of_range(tmp_path):
    spec = get_spec("dcgan-mnist")
    data = load_crosses(None, train=True)
    small = {"width": 8, "clusters": 0, "latent_dim": 8}
    hparams = {"epochs": 1, "batch_size": 1024}
    Trainer(spec, tmp_path, data=data, hparams=hparams, model_config=small, progress=False).run()
    state = load_checkpoint(tmp_path / CHECKPOINT)
    state["settings"]["hparams"]["lr_d"] = -1.0
    save_atomic(state, tmp_path / CHECKPOINT)
    trainer = Trainer(spec, tmp_path, data=data, hparams={"epochs": 2}, progress=False)
    with pytest.raises(SettingError, match=r"holds settings this recipe refuses: hyperparameter lr_d must be > 0"):
        trainer.run(resume=True)
