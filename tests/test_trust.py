"""The trust boundary: what a name resolves to, where pins come from, which names are accepted."""
from __future__ import annotations

import pytest
import torch
from safetensors.torch import save_file

import zoo
import zoo.core.registry
from zoo.cli import main
from zoo.hub.load import instantiate
from zoo.core.registry import get_spec
from zoo.core.spec import ModelSpec

MODEL = "dcgan-mnist"


def untrained_copy(folder, name: str = MODEL) -> None:
    """A model folder holding untrained weights of ``name``'s architecture."""
    import json

    spec = get_spec(name)
    folder.mkdir()
    torch.manual_seed(0)
    save_file(instantiate(spec).state_dict(), str(folder / "model.safetensors"))
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


def install_package_plugin(site, name: str, catalog: str) -> None:
    """A distribution whose plugin is a package shipping ``catalog`` as its registry.toml."""
    package = site / f"{name}_plugin"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from zoo import ModelSpec, hookimpl\n\n@hookimpl\ndef register_models(register):\n"
        f"    register(ModelSpec(name='{name}-gan', family='gan', build='m:G', licence='MIT'))\n", encoding="utf-8"
    )
    (package / "registry.toml").write_text(catalog, encoding="utf-8")
    info = site / f"{name}_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[zoo]\n{name} = {name}_plugin\n")


PIN = """
[models.{model}]
plugin = "{plugin}"
family = "gan"
dataset = "mnist"
licence = "MIT"

[models.{model}.hub]
repo = "someone/{model}"
revision = "main"
files = {{ "model.safetensors" = "{sha}" }}
"""


@pytest.mark.parametrize("claimed_plugin", ["clash", "dcgan"])
def test_a_catalog_cannot_pin_another_distributions_model(tmp_path, monkeypatch, fresh_registry, claimed_plugin) -> None:
    install_package_plugin(tmp_path, "clash", PIN.format(model=MODEL, plugin=claimed_plugin, sha="0" * 64))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("ZOO_STRICT_PLUGINS", raising=False)
    with pytest.warns(UserWarning) as caught:
        spec = get_spec(MODEL)
    message = next(str(w.message) for w in caught if MODEL in str(w.message))
    assert "clash-plugin" in message and "generative-zoo" in message and "'dcgan'" in message
    assert spec.pins.weights_sha256 != "0" * 64  # the zoo's own pin stands


def test_a_plugin_packages_catalog_pins_its_own_model(tmp_path, monkeypatch, fresh_registry) -> None:
    install_package_plugin(tmp_path, "own", PIN.format(model="own-gan", plugin="own", sha="1" * 64))
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = zoo.core.registry.get_registry()
    assert registry.get("own-gan").pins.weights_sha256 == "1" * 64
    assert registry.sources["own-gan"].path == tmp_path / "own_plugin" / "registry.toml"
    assert registry.sources["own-gan"].distribution == "own-plugin"
