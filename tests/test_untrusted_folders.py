"""A model folder that no catalog pins is untrusted: sizes, dtypes and finiteness are checked
before use, and sampling refuses devices that hold no data."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

import zoo
import zoo.hub.load
from zoo.cli import main
from zoo.errors import CatalogError
from zoo.train.run_folder import write_model_folder
from zoo.hub.load import instantiate
from zoo.core.registry import get_spec

TINY_GAN = {"latent_dim": 8, "width": 8}


@pytest.fixture
def folder(tmp_path) -> Path:
    """A tiny DCGAN written as ``zoo train`` writes its run folder."""
    spec = get_spec("dcgan-mnist")
    config = {**spec.config, **TINY_GAN}
    torch.manual_seed(0)
    write_model_folder(tmp_path / "model", spec, config, instantiate(spec, config))
    return tmp_path / "model"


def set_config(folder: Path, **settings) -> None:
    path = folder / "config.json"
    data = json.loads(path.read_text())
    data["config"].update(settings)
    path.write_text(json.dumps(data))


def edit_weights(folder: Path, edit) -> None:
    path = folder / "model.safetensors"
    state = load_file(str(path))
    edit(state)
    save_file(state, str(path))


def forbid_building(monkeypatch) -> None:
    """Fail the test if a model is allocated before its folder is checked."""
    def refuse(*args, **kwargs):
        raise AssertionError("the model was built before the folder was checked")

    monkeypatch.setattr(zoo.hub.load, "instantiate", refuse)


@pytest.fixture
def nothing_built(folder, monkeypatch):
    forbid_building(monkeypatch)


def test_a_checked_folder_loads_and_samples(folder):
    images = zoo.load(folder).sample(4, seed=0)
    assert images.shape == (4, 1, 28, 28) and torch.isfinite(images).all()


# -- sizes ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [4000, 6000])
def test_a_config_larger_than_its_weights_is_refused_before_allocating(folder, nothing_built, width):
    set_config(folder, width=width)
    with pytest.raises(CatalogError, match=r"do not fit the architecture of 'dcgan-mnist' that config.json describes: "
                       rf"net\.0\.weight has shape \[784, 108\] in the file and \[{width * 98}, 108\] in the architecture"):
        zoo.load(folder)


@pytest.mark.parametrize(("settings", "message"), [
    ({"width": -5}, "setting 'width' is -5; sizes and counts cannot be negative"),
    ({"width": "8"}, "setting 'width' must be of type int like the default 64, got '8'"),
    ({"width": 8.5}, "setting 'width' must be of type int like the default 64, got 8.5"),
    ({"latent_dim": True}, "setting 'latent_dim' must be of type int like the default 100, got True"),
    ({"depth": 3}, "these settings do not build a dcgan-mnist: .*depth"),
])
def test_negative_string_and_unknown_settings_are_a_zoo_error(folder, nothing_built, settings, message):
    set_config(folder, **settings)
    with pytest.raises(zoo.ZooError, match=message):
        zoo.load(folder)


def test_a_config_field_that_is_not_a_mapping_is_refused(folder, nothing_built):
    path = folder / "config.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "config": [8, 8]}))
    with pytest.raises(CatalogError, match="field 'config' must map settings to values, got list"):
        zoo.load(folder)


def test_list_settings_are_checked_item_by_item(tmp_path, monkeypatch):
    spec = get_spec("gan-mnist")
    config = {**spec.config, "latent_dim": 4, "hidden": [8, 8, 8]}
    write_model_folder(tmp_path, spec, config, instantiate(spec, config))
    set_config(tmp_path, hidden=[8, -1, 8])
    forbid_building(monkeypatch)
    with pytest.raises(CatalogError, match=r"setting 'hidden'\[1\] is -1"):
        zoo.load(tmp_path)


def test_a_corrupt_weight_file_is_a_zoo_error(folder):
    (folder / "model.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{broken}")
    with pytest.raises(CatalogError, match="is not a valid safetensors file"):
        zoo.load(folder)


def test_the_command_line_refuses_a_bad_folder_in_one_line(folder, capsys, tmp_path):
    set_config(folder, width=-5)
    assert main(["sample", str(folder), "-n", "4", "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sizes and counts cannot be negative" in err
    assert not (tmp_path / "x.png").exists()


# -- weights ----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.int8, torch.bool, torch.float16, torch.float64])
def test_weights_of_another_dtype_are_refused(folder, nothing_built, dtype):
    edit_weights(folder, lambda state: state.update({"net.0.weight": state["net.0.weight"].to(dtype)}))
    wanted = str(dtype).removeprefix("torch.")
    with pytest.raises(CatalogError, match=f"net.0.weight is stored as {wanted}, not float32; export the weights in float32"):
        zoo.load(folder)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_weights_are_refused(folder, value):
    edit_weights(folder, lambda state: state["net.0.weight"].view(-1).__setitem__(3, value))
    with pytest.raises(CatalogError, match="net.0.weight holds NaN or Inf values"):
        zoo.load(folder)


def test_missing_and_unexpected_weights_are_named(folder, nothing_built):
    edit_weights(folder, lambda state: state.update({"extra": torch.zeros(2)}) or state.pop("net.0.weight"))
    with pytest.raises(CatalogError, match="missing net.0.weight, unexpected extra"):
        zoo.load(folder)


# -- devices ----------------------------------------------------------------------------


@pytest.mark.parametrize(("device", "message"), [
    ("meta", "device 'meta' holds no data"),
    (torch.device("meta"), "device 'meta' holds no data"),
    ("tpu", "device must name a device such as 'cpu'"),
    (3.5, "device must name a device such as 'cpu'"),
    ("cuda:64", "device 'cuda:64' is not available here"),
])
def test_sampling_refuses_devices_that_hold_no_data_and_keeps_the_weights(folder, device, message):
    model = zoo.load(folder)
    before = model.sample(4, seed=0)
    with pytest.raises(ValueError, match=message):
        model.sample(4, seed=0, device=device)
    assert all(tensor.device.type == "cpu" for tensor in model.state_dict().values())
    assert torch.equal(model.sample(4, seed=0), before)
