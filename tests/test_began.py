"""BEGAN's balance k is state of its registered loss: it moves, is checkpointed and resumes exactly."""
from __future__ import annotations

from pathlib import Path

import torch

from zoo.core.registry import get_spec
from zoo.testing import tiny_data
from zoo.train.state import load_checkpoint
from zoo.train.trainer import CHECKPOINT, Trainer

HPARAMS = {"batch_size": 8, "lambda_k": 0.05}


def train(out: Path, steps: int, resume: bool = False) -> dict:
    spec = get_spec("began-mnist")
    trainer = Trainer(spec, out, data=tiny_data(spec, 64), hparams=HPARAMS, seed=1, progress=False, max_steps=steps)
    trainer.run(resume=resume)
    return load_checkpoint(out / CHECKPOINT)["recipe"]


def test_began_balance_k_is_restored_exactly_on_resume(tmp_path: Path) -> None:
    first = train(tmp_path / "interrupted", 2)
    assert float(first["loss"]["k"]) > 0  # the control moved k away from its start
    resumed = train(tmp_path / "interrupted", 4, resume=True)
    straight = train(tmp_path / "straight", 4)
    assert torch.equal(resumed["loss"]["k"], straight["loss"]["k"])
    assert torch.equal(resumed["loss"]["convergence"], straight["loss"]["convergence"])
    assert not torch.equal(resumed["loss"]["k"], first["loss"]["k"])
    for name, tensor in straight["ema"].items():
        assert torch.equal(resumed["ema"][name], tensor), name
