"""Training checkpoints: written atomically, read back for an exact resume.

A checkpoint (``RUN/checkpoints/last.pt``) is a dict of tensors and plain
values, read with ``weights_only=True``:

- ``recipe``: state dicts of the recipe's modules, optimisers and schedulers;
- ``epoch``: completed epochs; ``batch``: batches done in the epoch after
  them (0 at an epoch end); ``step``: optimiser steps in all;
- ``rng``: the CPU generator of rank 0; ``rng_ranks``: every rank's CPU,
  CUDA and Python generators;
- ``seed``, ``hparams``, ``model_config``, ``precision``, ``compile``,
  ``world_size``, ``dataset``: how the run was started;
- ``meter``: the loss sums of the epoch in progress; ``scaler``: the float16
  loss scaler; ``wall_time_s``: training time so far.

Checkpoints written before ``format`` 2 hold only ``recipe``, ``rng``,
``epoch``, ``hparams`` and ``wall_time_s``; they resume at their epoch end.
"""
from __future__ import annotations

import os
import pickle
import random
from pathlib import Path
from typing import Any, BinaryIO

import torch

from zoo.errors import ZooError
from zoo.core.files import replace_atomically

FORMAT = 3


def save_atomic(obj: Any, path: Path) -> None:
    """torch.save to a temporary file, sync it, then rename: a kill or a full disk never
    leaves a torn file, and the previous checkpoint stays until the new one is whole."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            writer = _Writer(handle)
            try:
                torch.save(obj, writer)
            except RuntimeError:
                if writer.error is not None:  # torch reports the disk's error as its own ("unexpected pos")
                    raise writer.error from None
                raise
            handle.flush()
            os.fsync(handle.fileno())

    replace_atomically(path, write)
    _sync_folder(path.parent)


class _Writer:
    """A file for ``torch.save`` that keeps the operating system's error (a full disk) that torch hides."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.error = handle, None

    def write(self, data: bytes) -> int:
        try:
            return self.handle.write(data)
        except OSError as exc:
            self.error = exc
            raise

    def flush(self) -> None:
        self.handle.flush()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Read a checkpoint onto the CPU without unpickling arbitrary objects; a damaged file is a ``ZooError``."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, pickle.UnpicklingError, EOFError, KeyError, ValueError) as exc:
        raise ZooError(
            f"{path} is damaged or not a zoo checkpoint ({type(exc).__name__} while reading it), so the run "
            "cannot resume from it; restore the file, or start a new run in another folder"
        ) from None


def rng_state(device: torch.device) -> dict[str, Any]:
    """This process's random generators: torch CPU, the device's CUDA generator, Python's."""
    return {
        "cpu": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state(device) if device.type == "cuda" else None,
        "python": random.getstate(),
    }


def set_rng_state(state: dict[str, Any], device: torch.device) -> None:
    torch.set_rng_state(state["cpu"])
    if device.type == "cuda" and state.get("cuda") is not None:
        torch.cuda.set_rng_state(state["cuda"], device)
    if state.get("python") is not None:
        random.setstate(state["python"])
