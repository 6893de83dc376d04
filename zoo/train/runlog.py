"""What a run logs: per-epoch records (log.jsonl) and a loss trace every few steps (steps.jsonl)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zoo.core.files import refusing_full_disk, write_bytes_atomically

EPOCH_LOG = "log.jsonl"
STEP_LOG = "steps.jsonl"


class LossMeter:
    """Running sums of losses for the epoch in progress and for the current trace window."""

    def __init__(self) -> None:
        self.epoch: dict[str, float] = {}
        self.epoch_count = 0
        self.window: dict[str, float] = {}
        self.window_count = 0

    def add(self, losses: dict[str, float]) -> None:
        for sums in (self.epoch, self.window):
            for key, value in losses.items():
                sums[key] = sums.get(key, 0.0) + value
        self.epoch_count += 1
        self.window_count += 1

    def epoch_means(self) -> dict[str, float]:
        """Means over the epoch so far; the epoch sums start again."""
        means = {key: value / self.epoch_count for key, value in self.epoch.items()}
        self.epoch, self.epoch_count = {}, 0
        return means

    def window_means(self) -> dict[str, float]:
        """Means over the window; a new window starts."""
        means = {key: value / self.window_count for key, value in self.window.items()}
        self.window, self.window_count = {}, 0
        return means

    def state_dict(self) -> dict[str, Any]:
        return {"epoch": dict(self.epoch), "epoch_count": self.epoch_count,
                "window": dict(self.window), "window_count": self.window_count}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.epoch, self.epoch_count = dict(state["epoch"]), state["epoch_count"]
        self.window, self.window_count = dict(state["window"]), state["window_count"]


class RunLog:
    """The JSON-lines logs of a run folder, kept consistent with its checkpoint."""

    def __init__(self, folder: Path) -> None:
        self.epochs_path = folder / EPOCH_LOG
        self.steps_path = folder / STEP_LOG

    def rewind(self, epoch: int, step: int) -> None:
        """Drop records written after the checkpoint a run resumes from (all of them for a new run)."""
        _keep(self.epochs_path, lambda record: record.get("epoch", 0) <= epoch)
        _keep(self.steps_path, lambda record: record.get("step", 0) <= step)

    def add_epoch(self, record: dict[str, Any]) -> None:
        _append(self.epochs_path, record)

    def add_step(self, record: dict[str, Any]) -> None:
        _append(self.steps_path, record)

    def epochs(self) -> list[dict[str, Any]]:
        return _read(self.epochs_path)

    def steps(self) -> list[dict[str, Any]]:
        return _read(self.steps_path)


def _append(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with refusing_full_disk(path), open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def _read(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line torn by a kill
    return records


def _keep(path: Path, wanted) -> None:
    if not path.exists():
        return
    kept = "".join(json.dumps(record) + "\n" for record in _read(path) if wanted(record))
    write_bytes_atomically(path, kept.encode("utf-8"))
