"""Every published model samples as it did when its weights were published.

``data/sample_fingerprints.json`` holds, for each pinned model, a fingerprint of
``sample(4, seed=0)`` on one CPU thread: each sample average-pooled to 7x7 per
channel (an evaluation network: its logits on seeded noise images). CPUs with
other vector units round differently in the last bits, so fingerprints are
compared to within 1e-4; a changed architecture, weight or sampler moves them
by far more. Regenerate them only when weights change:
``python tests/test_sample_fingerprints.py``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

import zoo
from zoo.models.capabilities import Capability, can

FINGERPRINTS = Path(__file__).parent / "data" / "sample_fingerprints.json"
COUNT = 4
SEED = 0
POOLED = (7, 7)
DECIMALS = 6
TOLERANCE = 1e-4


def sample_fingerprint(name: str) -> list[float]:
    """Pooled ``sample(COUNT, seed=SEED)`` of the pinned model ``name``, flattened."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model = zoo.load(name)
        with torch.no_grad():
            if can(model, Capability.SAMPLE):
                values = F.adaptive_avg_pool2d(model.sample(COUNT, seed=SEED).float(), POOLED)
            else:
                noise = torch.rand(COUNT, 1, 28, 28, generator=torch.Generator().manual_seed(SEED))
                values = model(noise).float()
    finally:
        torch.set_num_threads(threads)
    return [round(value, DECIMALS) for value in values.flatten().tolist()]


STORED: dict[str, list[float]] = json.loads(FINGERPRINTS.read_text()) if FINGERPRINTS.exists() else {}


@pytest.mark.parametrize("name", sorted(STORED))
def test_published_model_samples_as_before(name: str) -> None:
    torch.testing.assert_close(
        torch.tensor(sample_fingerprint(name)), torch.tensor(STORED[name]), rtol=TOLERANCE, atol=TOLERANCE
    )


def pretrained_models() -> list[str]:
    """The models whose weights are pinned in a catalog."""
    from zoo.core.registry import get_registry

    registry = get_registry()
    return [name for name in registry.names() if registry.pinned(name) is not None]


def test_every_pretrained_model_has_a_stored_fingerprint() -> None:
    assert sorted(STORED) == pretrained_models()


if __name__ == "__main__":
    FINGERPRINTS.write_text(
        "{\n" + ",\n".join(f"  {json.dumps(name)}: {json.dumps(sample_fingerprint(name))}"
                           for name in pretrained_models()) + "\n}\n"
    )
