"""Shared test helpers: the offline MNIST location and a clean registry."""
from __future__ import annotations

from pathlib import Path

import pytest

import zoo.registry

REPO_ROOT = Path(__file__).resolve().parents[1]
MNIST_ROOT = REPO_ROOT.parent / "shared" / "data"

needs_mnist = pytest.mark.skipif(
    not (MNIST_ROOT / "MNIST" / "raw" / "t10k-images-idx3-ubyte").exists(),
    reason=f"MNIST not found under {MNIST_ROOT}",
)


@pytest.fixture
def fresh_registry():
    """Rediscover plugins before and after a test that changes discovery."""
    zoo.registry.reset()
    yield
    zoo.registry.reset()
