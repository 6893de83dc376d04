"""zoo.load: pinned weights are verified, folders load, mistakes get clear errors."""
from __future__ import annotations

import json
import shutil

import pytest
import torch
from conftest import REPO_ROOT

import zoo
from zoo.core.registry import get_spec

BUNDLED = REPO_ROOT / "hub"
PRETRAINED = [name for name in zoo.list_models() if get_spec(name).pins is not None]


@pytest.mark.parametrize("name", PRETRAINED)
def test_every_pretrained_model_loads_in_eval_mode(name):
    model = zoo.load(name)
    assert not model.training
    assert model.spec.name == name
    assert all(not p.requires_grad for p in model.parameters())


@pytest.mark.parametrize("name", PRETRAINED)
def test_bundled_files_match_their_pins(name):
    from zoo.hub.resolve import sha256_of

    pins = get_spec(name).pins
    for filename, digest in pins.files.items():
        assert sha256_of(BUNDLED / pins.repo / filename) == digest


@pytest.mark.parametrize("name", PRETRAINED)
def test_registry_config_matches_the_bundled_config_json(name):
    spec = get_spec(name)
    folder = json.loads((BUNDLED / spec.pins.repo / "config.json").read_text())
    assert folder["zoo_model"] == name
    assert {**spec.config, **folder["config"]} == dict(spec.config)


def test_load_with_dtype():
    model = zoo.load("mnist-classifier", dtype=torch.float64)
    assert next(model.parameters()).dtype == torch.float64


def _hub_copy(tmp_path, name):
    repo = get_spec(name).pins.repo
    target = tmp_path / repo
    shutil.copytree(BUNDLED / repo, target)
    return target


def test_tampered_weights_in_zoo_hub_are_refused(tmp_path, monkeypatch):
    folder = _hub_copy(tmp_path, "mnist-classifier")
    weights = folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    monkeypatch.setenv("ZOO_HUB", str(tmp_path))
    with pytest.raises(zoo.ChecksumError, match="expected .* got"):
        zoo.load("mnist-classifier")


def test_zoo_hub_folder_is_used_before_the_bundled_weights(tmp_path, monkeypatch):
    _hub_copy(tmp_path, "mnist-classifier")
    monkeypatch.setenv("ZOO_HUB", str(tmp_path))
    from zoo.hub import resolve as hub

    found = hub.resolve(get_spec("mnist-classifier").pins)
    assert found.path.is_relative_to(tmp_path)


def test_load_from_a_folder(tmp_path):
    folder = _hub_copy(tmp_path, "mnist-classifier")
    by_folder = zoo.load(str(folder))
    by_name = zoo.load("mnist-classifier")
    x = torch.rand(4, 1, 28, 28)
    assert torch.equal(by_folder(x), by_name(x))


def test_folder_without_config_is_a_clear_error(tmp_path):
    with pytest.raises(zoo.HubError, match="no config.json"):
        zoo.load(tmp_path)


def test_weights_that_do_not_fit_the_architecture(tmp_path):
    folder = _hub_copy(tmp_path, "mnist-classifier")
    config = json.loads((folder / "config.json").read_text())
    config["config"]["features"] = 64
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(zoo.CatalogError, match="do not fit the architecture"):
        zoo.load(folder)


def test_unknown_name_suggests_close_matches():
    with pytest.raises(zoo.UnknownModelError, match="mnist-classifier"):
        zoo.load("mnist-clasifier")


def test_load_rejects_non_names():
    with pytest.raises(TypeError, match="model name or a folder path"):
        zoo.load(42)
