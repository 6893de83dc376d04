"""Every published model samples bit-for-bit as the stored hashes say.

The hashes in ``data/sample_hashes.json`` were made from the published weights
before the core was reorganised; regenerate them only when weights change:
``python tests/test_sample_hashes.py``.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import zoo

HASHES = Path(__file__).parent / "data" / "sample_hashes.json"
COUNT = 4
SEED = 0


def sample_hash(name: str) -> str:
    """sha256 of the float32 bytes of ``sample(COUNT, seed=SEED)`` on one CPU thread.

    An evaluation network has no ``sample``: its logits on seeded noise images are hashed.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model = zoo.load(name)
        if hasattr(model, "sample"):
            images = model.sample(COUNT, seed=SEED)
        else:
            noise = torch.rand(COUNT, 1, 28, 28, generator=torch.Generator().manual_seed(SEED))
            with torch.no_grad():
                images = model(noise)
    finally:
        torch.set_num_threads(threads)
    return hashlib.sha256(images.to(torch.float32).contiguous().numpy().tobytes()).hexdigest()


STORED: dict[str, str] = json.loads(HASHES.read_text()) if HASHES.exists() else {}


@pytest.mark.parametrize("name", sorted(STORED))
def test_published_model_samples_as_before(name: str) -> None:
    assert sample_hash(name) == STORED[name]


def pretrained_models() -> list[str]:
    """The models whose weights are pinned in a catalog."""
    from zoo.core.registry import get_registry

    registry = get_registry()
    return [name for name in registry.names() if registry.pinned(name) is not None]


def test_every_pretrained_model_has_a_stored_hash() -> None:
    assert sorted(STORED) == pretrained_models()


if __name__ == "__main__":
    HASHES.write_text(
        json.dumps({name: sample_hash(name) for name in pretrained_models()}, indent=2)
        + "\n"
    )
