"""The trust boundary: what a name resolves to, where pins come from, which names are accepted."""
from __future__ import annotations

import pytest
import torch
from safetensors.torch import save_file

import zoo
import zoo.registry
from zoo.cli import main
from zoo.loading import build
from zoo.registry import get_spec
from zoo.spec import ModelSpec

MODEL = "dcgan-mnist"


def untrained_copy(folder, name: str = MODEL) -> None:
    """A model folder holding untrained weights of ``name``'s architecture."""
    import json

    spec = get_spec(name)
    folder.mkdir()
    torch.manual_seed(0)
    save_file(build(spec).state_dict(), str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps({"zoo_model": name, "config": dict(spec.config)}))


def test_a_folder_named_like_a_model_never_replaces_it(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    untrained_copy(tmp_path / MODEL)
    pinned = zoo.load(MODEL).sample(4, seed=0)
    planted = zoo.load(f"./{MODEL}").sample(4, seed=0)  # as a path, the folder is what is loaded
    assert not torch.equal(pinned, planted)
    assert main(["sample", MODEL, "-n", "4", "-o", "grid.png"]) == 0


def test_an_empty_folder_named_like_a_model_does_not_break_it(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / MODEL).mkdir()
    assert zoo.load(MODEL).sample(2, seed=0).shape == (2, 1, 28, 28)


def test_an_unknown_name_that_is_a_folder_says_how_to_load_the_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    untrained_copy(tmp_path / "my-run")
    with pytest.raises(zoo.UnknownModelError, match=r"pass it as a path: \./my-run"):
        zoo.load("my-run")
    assert zoo.load(tmp_path / "my-run").spec.name == MODEL


@pytest.mark.parametrize("name", ["a/b", "../up", "x..y", "Upper", ".hidden", "", "n" * 101])
def test_a_model_name_is_checked_when_registered(name: str) -> None:
    with pytest.raises(ValueError, match="model spec name"):
        ModelSpec(name=name, family="gan", build="m:G")


def test_a_plugin_registering_a_bad_name_is_reported_not_fatal(tmp_path, monkeypatch, fresh_registry) -> None:
    plugin = tmp_path / "traversal_plugin.py"
    plugin.write_text(
        "from zoo import ModelSpec, hookimpl\n\n@hookimpl\ndef register_models(register):\n"
        "    register(ModelSpec(name='../escape', family='gan', build='m:G'))\n", encoding="utf-8"
    )
    info = tmp_path / "traversal_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: traversal-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[zoo]\ntraversal = traversal_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("ZOO_STRICT_PLUGINS", raising=False)
    with pytest.warns(UserWarning, match="traversal.*model spec name '../escape'"):
        names = zoo.list_models()
    assert MODEL in names and "../escape" not in names
