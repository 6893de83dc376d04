"""`zoo new-plugin` and `zoo plugins`, and CONTRIBUTING.md's walkthrough run for real:
scaffold, install, discover, test with the conformance kit, train, export."""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

import zoo.core.registry
from zoo import testing
from zoo.core import hookspecs
from zoo.core.catalog import read_catalog
from zoo.cli import main
from zoo.hub.resolve import sha256_of
from zoo.release.scaffold import LAYOUT, ScaffoldError, new_plugin
from zoo.core.spec import DatasetSpec, ModelSpec

from installs import build_wheels, fresh_env, site_packages
from installs import run as installs_run

NAME = "acmegan"  # a plugin name no built-in uses
MODEL = f"{NAME}-mnist"


def run(args: list[str], cwd: Path, site: Path | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run ``python ARGS`` in a fresh interpreter, with ``site`` on its path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZOO_", "PYTEST_"))}
    env["OMP_NUM_THREADS"] = "1"  # tiny workloads on a shared machine
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if site is not None:
        env["PYTHONPATH"] = str(site)
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"python {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def add_dist(site: Path, dist: str, entry_point: str, module: str, source: str) -> None:
    """An installed-looking distribution with one ``zoo`` entry point."""
    info = site / f"{dist.replace('-', '_')}-2.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 2.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[zoo]\n{entry_point} = {module}\n", encoding="utf-8")
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    importlib.invalidate_caches()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A folder on sys.path for extra distributions; discovery is reset around the test."""
    for var in ("ZOO_LOAD_PLUGINS", "ZOO_DISABLE_PLUGINS", "ZOO_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    zoo.core.registry.reset()
    yield root
    zoo.core.registry.reset()
    for module in ("acme_models", "broken_plugin"):
        sys.modules.pop(module, None)


# --- the walkthrough ---------------------------------------------------------


def test_contributing_walkthrough(tmp_path: Path, wheels: dict[str, Path]) -> None:
    """CONTRIBUTING.md, step by step; a --target install stands in for `pip install -e`."""
    pytest.importorskip("setuptools", reason="installing the plugin offline needs setuptools (pip install -e '.[test]')")
    # 1. Scaffold.
    assert main(["new-plugin", NAME, "--dir", str(tmp_path)]) == 0
    folder = tmp_path / f"zoo-{NAME}"

    # 2. Install: a real wheel build, with metadata and entry points.
    site = tmp_path / "site"
    run(["-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--target", str(site), str(folder)], tmp_path)
    entry_points = (site / f"zoo_{NAME}-0.1.0.dist-info" / "entry_points.txt").read_text(encoding="utf-8")
    assert f"[zoo]\n{NAME} = zoo_{NAME}" in entry_points

    # 3. Discover: the model is listed at once, from the installed copy.
    found = run(["-c", f"import zoo, zoo_{NAME}; print(zoo.list_models()); print(zoo_{NAME}.__file__)"], tmp_path, site)
    names, module_file = found.stdout.splitlines()
    assert MODEL in names and "dcgan-mnist" in names
    assert Path(module_file).is_relative_to(site)
    listing = run(["-m", "zoo.cli", "plugins"], tmp_path, site).stdout
    row = next(line for line in listing.splitlines() if line.startswith(NAME + " "))
    assert row.split() == [NAME, f"zoo-{NAME}", "0.1.0", MODEL]
    plugins = {p["name"]: p for p in json.loads(run(["-m", "zoo.cli", "plugins", "--json"], tmp_path, site).stdout)}
    assert plugins[NAME] == {
        "name": NAME,
        "distribution": f"zoo-{NAME}",
        "version": "0.1.0",
        "module": f"zoo_{NAME}",
        "models": [MODEL],
        "datasets": [],
        "error": None,
    }

    # 4. Test: the plugin's own suite runs the conformance kit on its model.
    tests = run(["-m", "pytest", "-v", "-p", "no:cacheprovider", str(folder / "tests")], tmp_path, site).stdout
    for check in ("spec", "sample", "determinism", "bad-input", "devices", "train-step", "trainer"):
        assert f"test_conformance[{MODEL}-{check}] PASSED" in tests
    assert "failed" not in tests and "skipped" not in tests

    # 5. Train, sample, export into the plugin's own package. `zoo train` would read MNIST
    #    for minutes; the same Trainer runs here on a few toy images.
    run_dir, grid = tmp_path / "runs" / MODEL, tmp_path / "grid.png"
    run(["-c", textwrap.dedent(f"""
        from zoo import testing
        from zoo.cli import main
        from zoo.core.registry import get_spec
        from zoo.train.trainer import Trainer

        spec = get_spec({MODEL!r})
        data, hparams = testing.tiny_data(spec), testing.tiny_hparams(spec, batch_size=16)
        Trainer(spec, {str(run_dir)!r}, data=data, dataset="crosses", hparams=hparams, progress=False).run()
        assert main(["sample", {str(run_dir)!r}, "-n", "16", "-o", {str(grid)!r}]) == 0
        assert main(["export", {str(run_dir)!r}, "--into", {str(folder)!r}, "--no-metrics"]) == 0
        """)], tmp_path, site)
    assert grid.stat().st_size > 0
    package = folder / f"zoo_{NAME}"
    hub = package / "hub" / f"zoo-{NAME}" / MODEL  # the plugin's distribution owns the repo, not the zoo
    entry = read_catalog(package / "registry.toml")[MODEL]
    assert (entry.plugin, entry.pins.repo) == (NAME, f"zoo-{NAME}/{MODEL}")
    assert entry.pins.weights_sha256 == sha256_of(hub / "model.safetensors")
    assert {"config.json", "model.safetensors", "README.md"} <= {p.name for p in hub.iterdir()}
    assert f"pip install zoo-{NAME}" in (hub / "README.md").read_text(encoding="utf-8")

    # 6. Ship: the plugin's wheel carries its catalog and weights; installed the plain way beside
    #    the zoo's wheel, the model loads offline, verified, from a folder outside both projects.
    (plugin_wheel,) = build_wheels([folder], tmp_path / "plugin-wheel")
    bin_dir = fresh_env(tmp_path / "venv", [wheels["core"], plugin_wheel])
    offline = {"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "empty-hf")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    fetched = installs_run([bin_dir / "zoo", "download", MODEL], elsewhere, offline).stdout
    installed = site_packages(bin_dir) / f"zoo_{NAME}" / "hub" / f"zoo-{NAME}" / MODEL / "model.safetensors"
    assert f"model.safetensors: verified sha256, {installed}" in fetched
    installs_run([bin_dir / "zoo", "sample", MODEL, "-n", "4", "-o", elsewhere / "grid.png"], elsewhere, offline)

    # 7. Tampered installed weights are refused, never used.
    data = installed.read_bytes()
    installed.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    load = f"import zoo\ntry:\n    zoo.load({MODEL!r})\nexcept zoo.ChecksumError as e:\n    print('refused:', e)"
    assert "refused: sha256 mismatch" in installs_run([bin_dir / "python", "-c", load], elsewhere, offline).stdout
    refused = installs_run([bin_dir / "zoo", "sample", MODEL, "-o", elsewhere / "x.png"], elsewhere, offline, check=False)
    assert refused.returncode == 2 and "sha256 mismatch" in refused.stderr and not (elsewhere / "x.png").exists()


# --- what the scaffold writes ------------------------------------------------


def test_scaffold_writes_a_complete_package(tmp_path: Path) -> None:
    folder = new_plugin("my-gan", tmp_path)
    assert folder == tmp_path / "zoo-my-gan"
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert files == sorted(
        ["pyproject.toml", "README.md", "zoo_my_gan/__init__.py", "zoo_my_gan/model.py", "zoo_my_gan/recipe.py",
         "tests/test_my_gan.py"]
    )
    assert len(files) == len(LAYOUT)
    for path in folder.rglob("*"):
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        assert "$" not in text.replace("$ZOO_DATA", ""), f"{path} has a placeholder left"
        if path.suffix == ".py":
            compile(text, str(path), "exec")
    project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "zoo-my-gan"
    assert project["entry-points"]["zoo"] == {"my-gan": "zoo_my_gan"}
    init = (folder / "zoo_my_gan" / "__init__.py").read_text(encoding="utf-8")
    assert 'name="my-gan-mnist"' in init
    assert 'build="zoo_my_gan.model:MyGanGenerator"' in init
    assert 'recipe="zoo_my_gan.recipe:MyGanRecipe"' in init
    assert "import torch" not in init  # registering stays cheap
    assert 'testing.cases(plugin="my-gan")' in (folder / "tests" / "test_my_gan.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["", "Gan", "9lives", "my gan", "my--gan", "my.gan", "-gan", "gan-", "g" * 41, "ümlaut"])
def test_scaffold_refuses_bad_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(ScaffoldError, match="invalid plugin name"):
        new_plugin(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_scaffold_refuses_an_existing_folder(tmp_path: Path) -> None:
    (tmp_path / f"zoo-{NAME}").mkdir()
    (tmp_path / f"zoo-{NAME}" / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="already exists"):
        new_plugin(NAME, tmp_path)
    assert (tmp_path / f"zoo-{NAME}" / "mine.txt").read_text(encoding="utf-8") == "keep me"


def test_scaffold_refuses_names_in_use(site: Path, tmp_path: Path) -> None:
    add_dist(site, "acme-zoo", "acme", "acme_models", """
        from zoo import ModelSpec, hookimpl

        @hookimpl
        def register_models(register):
            register(ModelSpec(name="roadrunner-mnist", family="gan", build="acme_models:G", summary="beep"))
        """)
    with pytest.raises(ScaffoldError, match="a plugin named 'acme' is already installed .from acme-zoo."):
        new_plugin("acme", tmp_path)
    with pytest.raises(ScaffoldError, match="a model named 'roadrunner-mnist' already exists"):
        new_plugin("roadrunner", tmp_path)
    with pytest.raises(ScaffoldError, match="a plugin named 'dcgan' is already installed"):
        new_plugin("dcgan", tmp_path)
    add_dist(site, "zoo-coyote", "coyote-plugin", "coyote_models", "")
    with pytest.raises(ScaffoldError, match="a distribution named 'zoo-coyote' is already installed"):
        new_plugin("coyote", tmp_path)
    (site / "zoo_wile.py").write_text("", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="a module named 'zoo_wile' can already be imported"):
        new_plugin("wile", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("name", ["dcgan-mnist", "my_mnist"])
def test_scaffold_refuses_a_name_with_the_dataset_suffix(tmp_path: Path, name: str) -> None:
    with pytest.raises(ScaffoldError, match="the model is named NAME-mnist already"):
        new_plugin(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_scaffold_trains_on_the_dataset_it_is_given(tmp_path: Path) -> None:
    folder = new_plugin("my-gan", tmp_path, dataset="fashion-mnist")
    init = (folder / "zoo_my_gan" / "__init__.py").read_text(encoding="utf-8")
    assert 'name="my-gan-fashion-mnist"' in init and 'dataset="fashion-mnist"' in init
    with pytest.raises(ScaffoldError, match="unknown dataset 'nope'; the registered datasets are crosses, "):
        new_plugin("other-gan", tmp_path, dataset="nope")
    assert not (tmp_path / "zoo-other-gan").exists()


def test_scaffold_without_an_installed_evaluation_network_asks_for_a_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    monkeypatch.setenv("ZOO_DISABLE_PLUGINS", "classifier")
    with pytest.raises(ScaffoldError, match="choose the dataset with --dataset .registered: crosses, fashion-mnist, mnist"):
        new_plugin("my-gan", tmp_path)
    assert new_plugin("my-gan", tmp_path, dataset="crosses").name == "zoo-my-gan"


def test_cli_new_plugin_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new-plugin", "Bad Name", "--dir", str(tmp_path)]) == 2
    assert "zoo new-plugin: error: invalid plugin name 'Bad Name'" in capsys.readouterr().err
    assert main(["new-plugin", NAME, "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"pip install -e {tmp_path / ('zoo-' + NAME)}" in out
    assert str(tmp_path / f"zoo-{NAME}" / f"zoo_{NAME}" / "recipe.py") in out


# --- zoo plugins -------------------------------------------------------------


def test_zoo_plugins_lists_builtins(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["plugin", "distribution", "version", "models"]
    rows = {line.split()[0]: line for line in lines[1:]}
    for name, info in zoo.core.registry.get_registry().plugins.plugins.items():
        assert info.distribution in rows[name] and info.version in rows[name]
        assert rows[name].endswith(", ".join(info.models))
    assert "generative-zoo (built-in)" in rows["dcgan"] and rows["dcgan"].endswith("dcgan-mnist, dcgan-fashion-mnist")


def test_zoo_plugins_shows_load_errors(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_dist(site, "broken-zoo", "broken", "broken_plugin", 'raise RuntimeError("kaboom")\n')
    assert main(["plugins"]) == 1
    captured = capsys.readouterr()
    row = next(line for line in captured.out.splitlines() if line.startswith("broken "))
    assert row.split() == ["broken", "broken-zoo", "2.0", "FAILED"]
    assert "error: plugin 'broken' (distribution broken-zoo 2.0, module broken_plugin) failed: RuntimeError: kaboom" in captured.out
    assert "ZOO_DISABLE_PLUGINS=broken" in captured.out
    assert "PluginWarning" not in captured.err  # listed once, not warned as well
    assert main(["plugins", "--json"]) == 1
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed["broken"]["error"] == "RuntimeError: kaboom"
    assert listed["dcgan"]["error"] is None


def test_zoo_plugins_strict_mode_fails(site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    add_dist(site, "broken-zoo", "broken", "broken_plugin", 'raise RuntimeError("kaboom")\n')
    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    assert main(["plugins"]) == 2
    assert "kaboom" in capsys.readouterr().err


def test_zoo_plugins_does_not_import_torch(tmp_path: Path) -> None:
    result = run(["-X", "importtime", "-m", "zoo.cli", "plugins"], tmp_path)
    assert "dcgan-mnist" in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "zoo.core.registry" in imported
    assert not sorted(m for m in imported if m.split(".")[0] in ("torch", "torchvision", "huggingface_hub"))


# --- CONTRIBUTING.md ---------------------------------------------------------


def test_contributing_documents_the_contract() -> None:
    text = (Path(__file__).resolve().parents[1] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    hooks = [name for name in vars(hookspecs) if hasattr(getattr(hookspecs, name), "zoo_spec")]
    assert hooks == ["register_models", "register_datasets"]
    for hook in hooks:
        assert f"{hook}(register)" in text
    spec_section = text.split("### `ModelSpec`")[1].split("###")[0]
    for field in fields(ModelSpec):
        assert f"`{field.name}`" in spec_section, f"ModelSpec.{field.name} is not described"
    dataset_section = text.split("### Registering a dataset")[1].split("###")[0]
    for field in fields(DatasetSpec):
        assert f"`{field.name}`" in dataset_section, f"DatasetSpec.{field.name} is not described"
    for check in testing.CHECKS.values():
        assert check.description, f"check {check.name!r} has no docstring"
        assert f"| `{check.name}` |" in text, f"the {check.name!r} check is not described"
    for table in ("", ".hub", ".metrics", ".training"):
        assert f"[models.mygan-mnist{table}]" in text
    for var in ("ZOO_LOAD_PLUGINS", "ZOO_DISABLE_PLUGINS", "ZOO_STRICT_PLUGINS", "ZOO_HUB"):
        assert f"| `{var}" in text
    for command in ("zoo new-plugin", "pip install -e", "zoo plugins", "pytest", "zoo train", "zoo export", "zoo push"):
        assert command in text
