"""Shared test helpers: the offline MNIST location and a clean registry."""
from __future__ import annotations

from pathlib import Path

import pytest

import zoo.registry
from zoo.registry import get_spec
from zoo.threads import one_thread

REPO_ROOT = Path(__file__).resolve().parents[1]
MNIST_ROOT = REPO_ROOT.parent / "shared" / "data"

needs_mnist = pytest.mark.skipif(
    not (MNIST_ROOT / "MNIST" / "raw" / "t10k-images-idx3-ubyte").exists(),
    reason=f"MNIST not found under {MNIST_ROOT}",
)


def needs_weights(name: str) -> pytest.MarkDecorator:
    """Skip tests of a model whose pretrained weights are not published in registry.toml."""
    return pytest.mark.skipif(get_spec(name).checkpoint is None, reason=f"{name} has no published weights yet")


@pytest.fixture(scope="module")
def one_torch_thread():
    """For modules of tiny models: one thread is fastest, and is not slowed by a busy machine."""
    with one_thread():
        yield


@pytest.fixture
def fresh_registry():
    """Rediscover plugins before and after a test that changes discovery."""
    zoo.registry.reset()
    yield
    zoo.registry.reset()
