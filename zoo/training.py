"""One generic training loop; each flavour supplies a ``Recipe`` (its step and losses)."""
from __future__ import annotations

import json
import math
import os
import platform
import time
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .data import ImageData, batches, load_dataset
from .errors import ZooError
from .export import write_model_folder
from .spec import ModelSpec

CHECKPOINT = Path("checkpoints") / "last.pt"


class TrainingDiverged(ZooError):
    """A loss became NaN or Inf."""


class Recipe:
    """Base class for a flavour's training recipe.

    Subclasses set ``defaults`` (hyperparameters), build their modules and
    optimisers in ``setup`` and implement ``train_step`` and ``export_model``.
    Every module, optimiser and scheduler stored on ``self`` is checkpointed.
    """

    defaults: dict[str, Any] = {"epochs": 1, "batch_size": 64}

    def __init__(
        self,
        spec: ModelSpec,
        model_config: dict[str, Any],
        hparams: dict[str, Any],
        device: torch.device,
        steps_per_epoch: int,
    ) -> None:
        self.spec = spec
        self.model_config = model_config
        self.hparams = hparams
        self.device = device
        self.steps_per_epoch = steps_per_epoch
        self.setup()

    def setup(self) -> None:
        raise NotImplementedError

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        raise NotImplementedError

    def export_model(self) -> nn.Module:
        """The module whose weights are published (for GANs: the generator)."""
        raise NotImplementedError

    def _stateful(self) -> dict[str, Any]:
        kinds = (nn.Module, torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler)
        return {name: value for name, value in vars(self).items() if isinstance(value, kinds)}

    def state_dict(self) -> dict[str, Any]:
        return {name: value.state_dict() for name, value in self._stateful().items()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        stateful = self._stateful()
        missing = set(stateful) ^ set(state)
        if missing:
            raise ZooError(f"checkpoint does not match the recipe: differing entries {sorted(missing)}")
        for name, value in stateful.items():
            value.load_state_dict(state[name])


def ema_update(target: nn.Module, source: nn.Module, decay: float) -> None:
    """Exponential moving average of parameters; buffers are copied."""
    with torch.no_grad():
        for t, s in zip(target.parameters(), source.parameters()):
            t.lerp_(s, 1.0 - decay)
        for t, s in zip(target.buffers(), source.buffers()):
            t.copy_(s)


def save_atomic(obj: Any, path: Path) -> None:
    """torch.save to a temporary file, then rename: a kill never leaves a torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def describe_hardware(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"CPU, {torch.get_num_threads()} threads ({platform.machine()})"


class Trainer:
    """Runs a recipe over a dataset with progress, checkpoints and exact resume."""

    def __init__(
        self,
        spec: ModelSpec,
        out_dir: str | Path,
        data: ImageData | None = None,
        data_root: str | Path | None = None,
        hparams: dict[str, Any] | None = None,
        model_config: dict[str, Any] | None = None,
        seed: int = 0,
        device: str | torch.device = "cpu",
        progress: bool = True,
        command: str | None = None,
    ) -> None:
        self.spec = spec
        self.command = command
        self.out_dir = Path(out_dir)
        self.data = data if data is not None else load_dataset(spec.dataset, data_root, train=True)
        self.recipe_cls = spec.recipe_class()
        self.hparams = {**self.recipe_cls.defaults, **(hparams or {})}
        self.model_config = {**spec.config, **(model_config or {})}
        self.seed = seed
        self.device = torch.device(device)
        self.progress = progress
        self.steps_per_epoch = len(self.data) // self.hparams["batch_size"]
        if self.steps_per_epoch == 0:
            raise ZooError(f"batch size {self.hparams['batch_size']} is larger than the dataset ({len(self.data)} images)")

    @property
    def checkpoint_path(self) -> Path:
        return self.out_dir / CHECKPOINT

    def run(self, resume: bool = False) -> Path:
        """Train to ``hparams['epochs']``; returns the run folder (a loadable hub folder)."""
        torch.manual_seed(self.seed)
        state = self._load_checkpoint() if resume else None
        if state is None and self.checkpoint_path.exists():
            raise ZooError(f"{self.out_dir} already holds a run; pass --resume to continue it or choose another --out")
        if state is not None:
            self.hparams = {**state["hparams"], "epochs": self.hparams["epochs"]}
        recipe = self.recipe_cls(self.spec, self.model_config, self.hparams, self.device, self.steps_per_epoch)
        start_epoch, wall = 0, 0.0
        if state is not None:
            recipe.load_state_dict(state["recipe"])
            torch.set_rng_state(state["rng"])
            start_epoch, wall = state["epoch"], state["wall_time_s"]
        for epoch in range(start_epoch, self.hparams["epochs"]):
            began = time.perf_counter()
            losses = self._run_epoch(recipe, epoch)
            wall += time.perf_counter() - began
            self._finish_epoch(recipe, epoch + 1, losses, wall)
        return self.out_dir

    def _load_checkpoint(self) -> dict[str, Any] | None:
        if not self.checkpoint_path.exists():
            return None
        return torch.load(self.checkpoint_path, map_location=self.device, weights_only=True)

    def _run_epoch(self, recipe: Recipe, epoch: int) -> dict[str, float]:
        from tqdm.auto import tqdm

        totals: dict[str, float] = {}
        steps = batches(self.data, self.hparams["batch_size"], seed=self.seed * 100003 + epoch)
        bar = tqdm(
            steps,
            total=self.steps_per_epoch,
            desc=f"{self.spec.name} epoch {epoch + 1}/{self.hparams['epochs']}",
            disable=not self.progress,
            leave=True,
        )
        for step, (images, labels) in enumerate(bar):
            losses = recipe.train_step(images.to(self.device), labels.to(self.device))
            bad = [k for k, v in losses.items() if not math.isfinite(v)]
            if bad:
                raise TrainingDiverged(
                    f"{', '.join(bad)} became {losses[bad[0]]} at epoch {epoch + 1}, step {step + 1}; "
                    f"the last good checkpoint is kept at {self.checkpoint_path}"
                )
            for key, value in losses.items():
                totals[key] = totals.get(key, 0.0) + value
            if step % 20 == 0:
                bar.set_postfix({k: f"{v:.3f}" for k, v in losses.items()})
        return {key: value / self.steps_per_epoch for key, value in totals.items()}

    def _finish_epoch(self, recipe: Recipe, epoch: int, losses: dict[str, float], wall: float) -> None:
        training = {
            "command": self.command or f"zoo train {self.spec.name}",
            "seed": self.seed,
            "epochs": epoch,
            "wall_time_s": round(wall, 1),
            "hparams": self.hparams,
            "hardware": describe_hardware(self.device),
            "torch": torch.__version__,
        }
        model = recipe.export_model()
        write_model_folder(self.out_dir, self.spec, self.model_config, model, training=training)
        save_atomic(
            {
                "recipe": recipe.state_dict(),
                "rng": torch.get_rng_state(),
                "epoch": epoch,
                "hparams": self.hparams,
                "wall_time_s": wall,
            },
            self.checkpoint_path,
        )
        with open(self.out_dir / "log.jsonl", "a", encoding="utf-8") as log:
            log.write(json.dumps({"epoch": epoch, "wall_time_s": round(wall, 1), **losses}) + "\n")
        if hasattr(model, "sample"):
            self._save_grid(model, epoch)

    def _save_grid(self, model: nn.Module, epoch: int) -> None:
        from torchvision.utils import save_image

        was_training = model.training
        model.eval()
        grid = model.sample(64, seed=0)
        model.train(was_training)
        path = self.out_dir / "samples" / f"epoch_{epoch:03d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        save_image(grid, path, nrow=8, padding=2)
