"""Shared test helpers: the offline MNIST location and a clean registry."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import zoo.core.registry
import zoo.core.homes
from zoo.core.registry import get_spec
from zoo.core.threads import one_thread

from installs import NOT_SOURCE, build_wheels

REPO_ROOT = Path(__file__).resolve().parents[1]
CATALOG = REPO_ROOT / "registry.toml"  # the built-in flavours' catalog, as this clone has it
MNIST_ROOT = REPO_ROOT.parent / "shared" / "data"

needs_mnist = pytest.mark.skipif(
    not (MNIST_ROOT / "MNIST" / "raw" / "t10k-images-idx3-ubyte").exists(),
    reason=f"MNIST not found under {MNIST_ROOT}",
)


def needs_weights(name: str) -> pytest.MarkDecorator:
    """Skip tests of a model whose pretrained weights are not published in registry.toml."""
    return pytest.mark.skipif(get_spec(name).pins is None, reason=f"{name} has no published weights yet")


@pytest.fixture(scope="module")
def one_torch_thread():
    """For modules of tiny models: one thread is fastest, and is not slowed by a busy machine."""
    with one_thread():
        yield


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The zoo's wheel ("core") and the built-in weights' wheel ("weights"), built from a copy of the clone
    once a session (here, not in a test module: a fixture imported into two modules is built twice)."""
    pytest.importorskip("setuptools", reason="building wheels offline needs setuptools (pip install -e '.[test]')")
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(REPO_ROOT, source, symlinks=True, dirs_exist_ok=True, ignore=NOT_SOURCE)
    built = build_wheels([source, source / "hub"], tmp_path_factory.mktemp("wheels"))
    by_name = {path.name.split("-")[0]: path for path in built}
    return {"core": by_name["generative_zoo"], "weights": by_name["generative_zoo_weights"]}


@pytest.fixture
def fresh_registry():
    """Rediscover plugins before and after a test that changes discovery."""
    zoo.core.registry.reset()
    yield
    zoo.core.registry.reset()


@pytest.fixture
def builtin_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The built-in plugins' home moved to a folder of the test's own: the registry reads
    the ``registry.toml`` returned (write it first) and looks for weights in ``hub/`` beside it."""
    home = tmp_path / "builtin-home"
    home.mkdir()
    real_home_of = zoo.core.homes.home_of

    def home_of(module: str) -> Path | None:
        return home if zoo.core.homes.top_package(module) == "zoo_plugins" else real_home_of(module)

    monkeypatch.setattr(zoo.core.homes, "home_of", home_of)
    zoo.core.registry.reset()
    yield home / "registry.toml"
    zoo.core.registry.reset()
