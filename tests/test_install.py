"""The zoo installed the ordinary way: its wheel (and the weights' wheel) in a fresh
environment, used from a folder outside the clone."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from zoo.core.catalog import read_catalog

from conftest import CATALOG
from hub_server import HubServer
from installs import REPO_ROOT, fresh_env, install, run

MODEL = "dcgan-mnist"


@pytest.fixture(scope="module")
def env(wheels: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zoo's wheel alone in a fresh environment; returns its bin folder."""
    return fresh_env(tmp_path_factory.mktemp("env") / "venv", [wheels["core"]])


def test_the_core_wheel_carries_the_catalog_but_no_weights(wheels: dict[str, Path]) -> None:
    names = zipfile.ZipFile(wheels["core"]).namelist()
    assert "zoo_plugins/registry.toml" in names
    assert not [name for name in names if name.endswith(".safetensors")]
    weights = zipfile.ZipFile(wheels["weights"]).namelist()
    assert f"generative_zoo_weights/generative-zoo/{MODEL}/model.safetensors" in weights


def test_a_plain_install_lists_every_catalogued_model_as_pretrained(env: Path, tmp_path: Path) -> None:
    where = run([env / "python", "-c", "import zoo; print(zoo.__file__)"], cwd=tmp_path).stdout.strip()
    assert not Path(where).is_relative_to(REPO_ROOT), "the installed wheel, not the clone, must be imported"
    listing = run([env / "zoo", "list"], cwd=tmp_path).stdout.splitlines()
    pretrained = {line.split()[0] for line in listing if " pretrained " in line}
    assert pretrained == set(read_catalog(CATALOG))


def test_a_plain_install_downloads_verified_weights_from_the_hub(env: Path, tmp_path: Path) -> None:
    server = HubServer(REPO_ROOT / "hub")  # the clone's hub folder, served as a hub
    try:
        hub_env = {"HF_ENDPOINT": server.url, "HF_HOME": str(tmp_path / "hf")}
        fetched = run([env / "zoo", "download", MODEL], cwd=tmp_path, env=hub_env).stdout
        assert f"model.safetensors: verified sha256" in fetched and f"(from {server.url}" in fetched
        assert server.requests_for(f"generative-zoo/{MODEL}", "model.safetensors", "GET")
    finally:
        server.close()
    offline = {**hub_env, "HF_HUB_OFFLINE": "1"}  # the verified copy is cached: no network needed
    run([env / "zoo", "sample", MODEL, "-n", "4", "-o", tmp_path / "grid.png"], cwd=tmp_path, env=offline)
    assert (tmp_path / "grid.png").stat().st_size > 0


def test_with_the_weights_wheel_a_plain_install_loads_offline(
    wheels: dict[str, Path], tmp_path: Path
) -> None:
    bin_dir = fresh_env(tmp_path / "venv", [wheels["core"]])
    install(bin_dir, [wheels["weights"]])
    offline = {"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "empty-hf"), "HF_ENDPOINT": "http://127.0.0.1:9"}
    fetched = run([bin_dir / "zoo", "download", MODEL], cwd=tmp_path, env=offline).stdout
    assert "verified sha256" in fetched and "generative_zoo_weights" in fetched
    run([bin_dir / "zoo", "sample", MODEL, "-n", "4", "-o", tmp_path / "grid.png"], cwd=tmp_path, env=offline)
