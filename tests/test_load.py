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
def test_the_spec_config_agrees_with_the_pinned_config_json(name):
    """What zoo info says before a download (the spec's config) is what the weights were trained with."""
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


@pytest.fixture
def narrow_dcgan(builtin_catalog):
    """dcgan-mnist pinned at width 8 (its spec says 64): a hub folder beside the catalog and its entry."""
    from zoo.core.catalog import CatalogEntry, upsert_entries
    from zoo.hub.load import instantiate
    from zoo.hub.resolve import sha256_of
    from zoo.train.run_folder import write_model_folder

    spec = get_spec("dcgan-mnist")
    folder = builtin_catalog.parent / "hub" / "o" / "narrow"
    config = {**spec.config, "width": 8}
    write_model_folder(folder, spec, {"width": 8}, instantiate(spec, config))
    files = {file: sha256_of(folder / file) for file in ("model.safetensors", "config.json")}
    upsert_entries(builtin_catalog, [CatalogEntry("dcgan-mnist", "dcgan", zoo.PinnedFiles("o/narrow", "main", files), {}, {})])
    zoo.core.registry.reset()
    return folder


def test_a_name_loads_with_the_architecture_of_its_pinned_config_json(narrow_dcgan):
    from zoo.hub.load import instantiate

    spec, model = get_spec("dcgan-mnist"), zoo.load("dcgan-mnist")
    narrow = instantiate(spec, {**spec.config, "width": 8})
    assert {k: v.shape for k, v in model.state_dict().items()} == {k: v.shape for k, v in narrow.state_dict().items()}
    assert spec.config["width"] == 64
    info = zoo.info("dcgan-mnist")  # the pinned file is here: info reads it, verified
    assert info["config"]["width"] == 8
    assert info["parameters"] == sum(p.numel() for p in model.parameters())


def test_info_uses_the_spec_until_the_pinned_config_json_is_here_and_never_an_unverified_one(narrow_dcgan):
    config = narrow_dcgan / "config.json"
    config.write_text(config.read_text().replace('"width": 8', '"width": 16'))
    with pytest.raises(zoo.ChecksumError):
        zoo.info("dcgan-mnist")
    with pytest.raises(zoo.ChecksumError):
        zoo.load("dcgan-mnist")
    config.unlink()
    assert zoo.info("dcgan-mnist")["config"]["width"] == 64  # not here, and info never downloads: the spec's
