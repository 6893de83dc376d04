"""The settings of a training run: one typed object, saved in the checkpoint and restored as a whole.

A run keeps what makes it that run (hyperparameters but ``epochs``, model
config, seed, dataset); how it executes (precision, compile, keep_epochs,
memory layout) may change when asked again on resume. :class:`SettingsRequest`
is what a caller asked for, with None for "not asked".
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from zoo.errors import ZooError
from zoo.train.settings import SettingError, check_hparams

CONFIG_FILE = "config.json"
EXECUTION = ("precision", "compile", "keep_epochs", "memory_format")  # may change on resume


@dataclass(frozen=True)
class RunSettings:
    """What a run was started with."""

    hparams: dict[str, Any]
    model_config: dict[str, Any]
    seed: int
    dataset: str | None
    precision: str = "fp32"
    compile: bool = False
    keep_epochs: bool = False
    memory_format: str = "contiguous"

    def state(self) -> dict[str, Any]:
        """The checkpoint's ``settings`` entry."""
        return asdict(self)

    def record(self) -> dict[str, Any]:
        """The settings a model card's training record shows."""
        return {
            "seed": self.seed, "hparams": self.hparams, "dataset": self.dataset,
            "precision": self.precision, "memory_format": self.memory_format,
        }

    @classmethod
    def from_checkpoint(cls, state: Mapping[str, Any], run_dir: Path, recipe: type, fallback: RunSettings) -> RunSettings:
        """The settings a checkpoint holds, checked against the recipe's declarations.

        Checkpoints before format 3 kept them as top-level entries, and before format 2 kept seed and
        model config only in the run folder's config.json; what none of them holds comes from ``fallback``."""
        saved = {key: value for key, value in (state.get("settings") or _legacy(state, run_dir)).items() if value is not None}
        try:
            saved["hparams"] = check_hparams(recipe, saved.get("hparams") or {})
        except SettingError as exc:
            raise SettingError(f"the checkpoint in {run_dir} holds settings this recipe refuses: {exc}") from None
        known = {key: saved[key] for key in cls.__dataclass_fields__ if key in saved}
        return replace(fallback, **known)


def _legacy(state: Mapping[str, Any], run_dir: Path) -> dict[str, Any]:
    saved = {key: state[key] for key in RunSettings.__dataclass_fields__ if key in state}
    saved.setdefault("memory_format", "contiguous")  # runs from before the setting were contiguous
    if state.get("format", 1) < 2:
        try:
            written = json.loads((run_dir / CONFIG_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            written = {}
        saved["seed"] = written.get("training", {}).get("seed")
        saved["model_config"] = written.get("config")
    return saved


@dataclass(frozen=True)
class SettingsRequest:
    """What a caller asked for: checked hyperparameters and config overrides, None for the rest not asked."""

    hparams: dict[str, Any] = field(default_factory=dict)
    model_config: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    precision: str | None = None
    compile: bool | None = None
    keep_epochs: bool | None = None
    memory_format: str | None = None

    def new_run(self, recipe: type, config: Mapping[str, Any], dataset: str | None, memory_format: str) -> RunSettings:
        """The settings of a new run: the recipe's defaults and the spec's config, overridden as asked."""
        return RunSettings(
            hparams=check_hparams(recipe, self.hparams),
            model_config={**config, **self.model_config},
            seed=0 if self.seed is None else self.seed,
            dataset=dataset,
            precision=self.precision or "fp32",
            compile=bool(self.compile),
            keep_epochs=bool(self.keep_epochs),
            memory_format=self.memory_format or memory_format,
        )

    def resume(self, run: RunSettings, dataset: str | None, where: Path) -> RunSettings:
        """``run`` continued: the same run, with another number of epochs and execution settings if asked;
        any other difference is refused, naming each."""
        conflicts = [
            f"{key}={value!r} (the run has {run.hparams.get(key)!r})"
            for key, value in self.hparams.items()
            if key != "epochs" and run.hparams.get(key) != value
        ]
        conflicts += [
            f"{key}={value!r} (the run has {run.model_config.get(key)!r})"
            for key, value in self.model_config.items()
            if run.model_config.get(key) != value
        ]
        if self.seed is not None and self.seed != run.seed:
            conflicts.append(f"seed={self.seed} (the run has seed={run.seed})")
        if run.dataset is not None and dataset != run.dataset:
            conflicts.append(f"dataset={dataset!r} (the run has {run.dataset!r})")
        if conflicts:
            raise ZooError(
                f"cannot resume {where} with different settings: {'; '.join(conflicts)}. "
                "A resumed run keeps its settings (only --epochs may change); start a new run to change them."
            )
        epochs = self.hparams.get("epochs", run.hparams["epochs"])
        asked = {key: getattr(self, key) for key in EXECUTION if getattr(self, key) is not None}
        return replace(run, hparams={**run.hparams, "epochs": epochs}, dataset=dataset, **asked)
