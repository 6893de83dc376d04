"""Per-epoch snapshots of a run (``zoo train --keep-epochs``) and the ``RUN@EPOCH`` names that reach them.

A snapshot is a model folder of its own, ``RUN/epochs/NNN`` (config.json and
the sampling weights), so ``zoo.load``, ``zoo sample`` and ``zoo bench`` take
it like any folder; ``zoo bench runs/x@3 runs/x@5`` or ``runs/x@all`` names
them shortly.
"""
from __future__ import annotations

from pathlib import Path

from zoo.errors import ZooError

EPOCHS_FOLDER = "epochs"
ALL = "all"


def snapshot_folder(run: str | Path, epoch: int) -> Path:
    """Where the snapshot of ``epoch`` of the run in ``run`` lives."""
    return Path(run) / EPOCHS_FOLDER / f"{epoch:03d}"


def kept_epochs(run: str | Path) -> list[int]:
    """The epochs of the run that have a snapshot, in order."""
    folder = Path(run) / EPOCHS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir() if p.name.isdigit() and (p / "config.json").is_file())


def expand(target: str) -> list[tuple[str, str]]:
    """``(folder, label)`` pairs for a bench target: ``RUN@N``, ``RUN@N,M`` and ``RUN@all`` become
    snapshot folders labelled ``RUN@N``; anything else is itself."""
    run, at, wanted = target.rpartition("@")
    epochs_named = wanted == ALL or all(part.isdigit() for part in wanted.split(","))
    if Path(target).exists() or not at or not run or not epochs_named:
        return [(target, target)]
    kept = kept_epochs(run)
    epochs = kept if wanted == ALL else [int(part) for part in wanted.split(",")]
    missing = [epoch for epoch in epochs if epoch not in kept]
    if missing or not epochs:
        have = f"it has epochs {', '.join(map(str, kept))}" if kept else "it kept none"
        raise ZooError(
            f"{run} has no snapshot of epoch {', '.join(map(str, missing)) or '(any)'} ({have}); "
            "train with `zoo train ... --keep-epochs` to keep one per epoch"
        )
    return [(str(snapshot_folder(run, epoch)), f"{run}@{epoch}") for epoch in epochs]
