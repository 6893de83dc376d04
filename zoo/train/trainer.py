"""One generic training loop; each flavour supplies a ``Recipe`` (its step and losses).

``Trainer.run`` gives a run folder that ``zoo.load`` reads (config.json,
model.safetensors) plus ``checkpoints/last.pt``, ``log.jsonl`` (per-epoch
losses, and class coverage / KL to uniform for models of the classifier's
dataset), ``steps.jsonl`` (the loss trace), ``losses.png``, ``progress.png``
(those per-epoch measurements drawn) and ``samples/epoch_NNN.png``; with
``keep_epochs`` also a model folder per epoch (``zoo.train.snapshots``). Resuming
continues bit for bit on the same hardware: weights, optimisers, schedulers,
random generators and the place in the data order all come back. Under
``torchrun`` it trains data-parallel (see ``zoo.train.distributed``); it can train
in bfloat16/float16 autocast (bfloat16 also on CPUs with bfloat16 matrix units) and
with ``torch.compile``. A SIGTERM (a cluster's preemption notice) or a first
Ctrl-C ends the run at the next step with a checkpoint to resume from; a second
Ctrl-C stops at once. One process at a time
trains into a run folder (``zoo.train.runlock``); weights that stop being finite,
or a full disk, end the run with the last good checkpoint kept.
"""
from __future__ import annotations

import contextlib
import math
import platform
import signal
import sys
import threading
import time
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Iterator

import torch
from torch import nn
from tqdm.auto import tqdm

from zoo.train import distributed
from zoo.train.state import FORMAT, load_checkpoint, rng_state, save_atomic, set_rng_state
from zoo.train.probe import SAMPLES as PROBE_SAMPLES
from zoo.train.probe import SEED as PROBE_SEED
from zoo.train.probe import CollapseProbe
from zoo.data.datasets import ImageData, batches, load_dataset
from zoo.errors import ZooError
from zoo.train.run_folder import write_model_folder
from zoo.core.files import DiskFull, refusing_full_disk, remove_temporaries, replace_atomically
from zoo.models.capabilities import Capability, can
from zoo.train.lossplot import plot_losses
from zoo.train.progressplot import plot_progress
from zoo.train.runlock import run_lock
from zoo.train.runlog import LossMeter, RunLog
from zoo.train.run_settings import RunSettings, SettingsRequest
from zoo.train.settings import COUNT, Bound, check_hparams
from zoo.train.snapshots import snapshot_folder
from zoo.core.spec import ModelSpec

CHECKPOINT = Path("checkpoints") / "last.pt"
PRECISIONS = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}
MEMORY_FORMATS = {"contiguous": torch.contiguous_format, "channels-last": torch.channels_last}
TRACE_POINTS_PER_EPOCH = 20


class TrainingDiverged(ZooError):
    """A loss, or a weight or buffer of the recipe's modules, became NaN or Inf."""


class TrainingStopped(ZooError):
    """A stop signal (``signum``) ended the run at a step boundary, after a checkpoint."""

    def __init__(self, message: str, signum: int = signal.SIGTERM) -> None:
        super().__init__(message)
        self.signum = signum


class Recipe:
    """Base class for a flavour's training recipe.

    Subclasses set ``defaults`` (hyperparameters), build their modules and
    optimisers in ``setup`` and implement ``train_step`` and ``export_model``.
    Every module, optimiser and scheduler stored on ``self`` is checkpointed,
    and every learning-rate scheduler on ``self`` is stepped once after each
    ``train_step`` by the trainer (:meth:`step_schedules`), never by the recipe.
    Calling ``self.backward(loss)`` and ``self.optimizer_step(opt)`` instead of
    ``loss.backward()`` and ``opt.step()`` makes a recipe trainable in float16.

    Under torchrun the modules of ``trainable_modules()`` are wrapped in DDP
    after ``setup``: ``train_step`` must call them (their ``forward``) for the
    gradients to be averaged, and every parameter of a wrapped module must get
    a gradient in each backward pass unless ``find_unused_parameters`` is set.
    ``zoo.train.distributed.unwrap`` gives the module inside a wrapper.
    """

    defaults: dict[str, Any] = {"epochs": 1, "batch_size": 64}
    min_useful_steps = 0  # a run with fewer train steps is not worth loading (the trainer warns)
    bounds: dict[str, Bound] = {"epochs": COUNT, "batch_size": COUNT}
    find_unused_parameters = False
    grad_scaler: torch.amp.GradScaler | None = None
    _scaled_steps = 0

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
        self.hparams = check_hparams(type(self), hparams)
        self.device = device
        self.steps_per_epoch = steps_per_epoch
        self.setup()

    def setup(self) -> None:
        raise NotImplementedError

    def prepare(self, data: ImageData) -> None:
        """Called once before the first step of a new run (not on resume) with the
        training data, for state fitted to it; checkpointed like the rest."""

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        raise NotImplementedError

    def export_model(self) -> nn.Module:
        """The module whose weights are published (for GANs: the generator)."""
        raise NotImplementedError

    def backward(self, loss: torch.Tensor) -> None:
        """``loss.backward()``, with the loss scaled when training in float16."""
        (loss if self.grad_scaler is None else self.grad_scaler.scale(loss)).backward()

    def optimizer_step(self, optimizer: torch.optim.Optimizer, clip: float | None = None) -> None:
        """``optimizer.step()``; in float16 skipped when the scaled gradients overflowed.

        With ``clip`` the gradients of the optimiser's parameters are first scaled
        down to a total norm of at most ``clip`` (unscaled first in float16).
        """
        if clip is not None:
            if self.grad_scaler is not None:
                self.grad_scaler.unscale_(optimizer)
            params = [p for group in optimizer.param_groups for p in group["params"]]
            nn.utils.clip_grad_norm_(params, clip)
        if self.grad_scaler is None:
            optimizer.step()
        else:
            self.grad_scaler.step(optimizer)
            self._scaled_steps += 1

    def schedules(self) -> list[torch.optim.lr_scheduler.LRScheduler]:
        """The learning-rate schedulers stored on the recipe."""
        return [value for value in vars(self).values() if isinstance(value, torch.optim.lr_scheduler.LRScheduler)]

    def step_schedules(self) -> None:
        """Advance every learning-rate schedule by one train step (the trainer's job)."""
        for schedule in self.schedules():
            schedule.step()

    def trainable_modules(self) -> dict[str, nn.Module]:
        """The modules the optimisers train: wrapped in DDP under torchrun, compiled by --compile.

        By default every module attribute with trainable parameters that is not
        part of another one (an EMA copy without gradients is left alone).
        """
        found: dict[str, nn.Module] = {}
        for name, value in vars(self).items():
            trainable = isinstance(value, nn.Module) and any(p.requires_grad for p in value.parameters())
            if trainable and all(value is not seen for seen in found.values()):
                found[name] = value
        inner = {id(sub) for module in found.values() for sub in module.modules() if sub is not module}
        return {name: module for name, module in found.items() if id(module) not in inner}

    def _stateful(self) -> dict[str, Any]:
        kinds = (nn.Module, torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler)
        return {
            name: distributed.unwrap(value) if isinstance(value, nn.Module) else value
            for name, value in vars(self).items()
            if isinstance(value, kinds)
        }

    def state_dict(self) -> dict[str, Any]:
        return {name: value.state_dict() for name, value in self._stateful().items()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        stateful = self._stateful()
        older = {name for name, value in stateful.items() if isinstance(value, UpdateCounter) and name not in state}
        stateless = {name for name, value in stateful.items() if name not in state and not value.state_dict()}
        missing = (set(stateful) ^ set(state)) - older - stateless
        if missing:
            raise ZooError(f"checkpoint does not match the recipe: differing entries {sorted(missing)}")
        for name, value in stateful.items():
            if name in older:
                value.count.fill_(WARMED_UP)  # a run from before the counter existed is past any warm-up
            elif name not in stateless:
                value.load_state_dict(state[name])


class UpdateCounter(nn.Module):
    """How many updates a recipe has made (of an EMA, ...); a module, so the checkpoint holds it."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("count", torch.zeros((), dtype=torch.long))

    def advance(self) -> int:
        """Count one more update; returns how many came before it."""
        before = int(self.count)
        self.count += 1
        return before


WARMED_UP = 10**9


def ema_decay(decay: float, updates: int) -> float:
    """The decay of an EMA after ``updates`` updates: ``min(decay, (1 + t) / (10 + t))``, so that an
    average of a short run forgets the random start instead of weighting it for ~1/(1 - decay) steps."""
    return min(decay, (1 + updates) / (10 + updates))


def ema_update(target: nn.Module, source: nn.Module, decay: float) -> None:
    """Exponential moving average of parameters; buffers are copied."""
    with torch.no_grad():
        for t, s in zip(target.parameters(), source.parameters()):
            t.lerp_(s, 1.0 - decay)
        for t, s in zip(target.buffers(), source.buffers()):
            t.copy_(s)


def first_non_finite(modules: dict[str, nn.Module]) -> str | None:
    """The name of the first floating-point parameter or buffer holding NaN or Inf, if any."""
    for prefix, module in modules.items():
        for name, tensor in [*module.named_parameters(), *module.named_buffers()]:
            if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
                return f"{prefix}.{name}"
    return None


def describe_hardware(device: torch.device, processes: int = 1) -> str:
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    else:
        name = f"CPU, {torch.get_num_threads()} threads ({platform.machine()})"
    return name if processes == 1 else f"{processes} processes x {name}"


class _StopSignal:
    """Turns SIGTERM or a first Ctrl-C (SIGINT) into a request to stop at the next step
    boundary; a Ctrl-C after a request interrupts at once."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.requested: int | None = None  # the signal that asked to stop

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {signum: signal.signal(signum, self._handle) for signum in self.SIGNALS}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _handle(self, signum: int, frame: Any) -> None:
        if signum == signal.SIGINT and self.requested is not None:
            raise KeyboardInterrupt
        self.requested = signum


@dataclass(frozen=True)
class RecordedData:
    """What a run was started on: the dataset's name, its root (or folder of images) and the model config."""

    dataset: str | None
    root: Path | None
    model_config: dict[str, Any]


def recorded_data(out_dir: str | Path) -> RecordedData | None:
    """The data a run in ``out_dir`` was started on (None without a checkpoint)."""
    path = Path(out_dir) / CHECKPOINT
    if not path.is_file():
        return None
    state = load_checkpoint(path)
    root = state.get("data_root")
    settings = state.get("settings") or state
    return RecordedData(settings.get("dataset"), Path(root) if root else None, dict(settings.get("model_config") or {}))


class Trainer:
    """Runs a recipe over a dataset with progress, checkpoints and exact resume.

    ``hparams`` override the recipe's defaults; ``batch_size`` is the global
    batch, shared out over the processes of a ``torchrun`` launch.
    ``dataset`` names the data (default: the spec's dataset, or none when
    ``data`` is given in code); it picks the classifier for the mode-collapse
    numbers. ``precision`` is ``fp32``, ``bf16`` or ``fp16`` (autocast; float16
    needs a recipe that uses ``Recipe.backward``/``optimizer_step``),
    ``compile_modules`` runs the recipe's trainable modules through
    ``torch.compile``, and ``checkpoint_every`` adds a checkpoint every that
    many steps to the one at each epoch end. ``keep_epochs`` writes the sampling
    weights of every epoch into a model folder of its own. ``memory_format`` lays
    out the recipe's networks and batches ``contiguous`` or ``channels-last``
    (default: channels-last on CPU, where it is faster, contiguous elsewhere). A
    resumed run keeps the settings it started with unless told.
    """

    def __init__(
        self,
        spec: ModelSpec,
        out_dir: str | Path,
        data: ImageData | None = None,
        data_root: str | Path | None = None,
        hparams: dict[str, Any] | None = None,
        model_config: dict[str, Any] | None = None,
        seed: int | None = None,
        device: str | torch.device = "cpu",
        progress: bool = True,
        command: str | None = None,
        *,
        dataset: str | None = None,
        precision: str | None = None,
        compile_modules: bool | None = None,
        checkpoint_every: int | None = None,
        keep_epochs: bool | None = None,
        memory_format: str | None = None,
        max_steps: int | None = None,
    ) -> None:
        if precision is not None and precision not in PRECISIONS:
            raise ZooError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
        if memory_format is not None and memory_format not in MEMORY_FORMATS:
            raise ZooError(f"memory_format must be one of {', '.join(MEMORY_FORMATS)}, got {memory_format!r}")
        if checkpoint_every is not None and checkpoint_every <= 0:
            raise ZooError(f"checkpoint_every must be a positive number of steps, got {checkpoint_every}")
        if max_steps is not None and max_steps <= 0:
            raise ZooError(f"max_steps must be a positive number of steps, got {max_steps}")
        self.max_steps = max_steps
        self.spec = spec
        self.command = command
        self.out_dir = Path(out_dir)
        self.world = distributed.world_from_env()
        self.recipe_cls = spec.recipe_class()
        self.device = distributed.device_for(device, self.world)
        self.requested = SettingsRequest(
            dict(hparams or {}), dict(model_config or {}), seed, precision, compile_modules, keep_epochs, memory_format
        )
        dataset = dataset if dataset is not None or data is not None else spec.dataset
        layout = "channels-last" if self.device.type == "cpu" else "contiguous"
        self.settings = self.requested.new_run(self.recipe_cls, spec.config, dataset, layout)  # checked here
        self.data_root = None if data_root is None else str(Path(data_root).expanduser().resolve())
        self.data = data if data is not None else load_dataset(dataset, data_root, train=True)
        self.checkpoint_every = checkpoint_every
        self.progress = progress and self.world.main
        self.log = RunLog(self.out_dir)
        self._stop = _StopSignal()
        self._probe = CollapseProbe(dataset, self.device, self._note)
        if not self.checkpoint_path.exists():  # a run to resume is checked with its own batch size
            self._check_batch_size()

    @property
    def checkpoint_path(self) -> Path:
        return self.out_dir / CHECKPOINT

    @property
    def steps_per_epoch(self) -> int:
        return len(self.data) // self.settings.hparams["batch_size"]

    def _check_batch_size(self) -> None:
        size = self.settings.hparams["batch_size"]
        if self.steps_per_epoch == 0:
            raise ZooError(
                f"batch size {size} is larger than the dataset ({len(self.data)} images); choose a smaller --batch-size"
            )
        if size % self.world.size:
            raise ZooError(
                f"batch size {size} is the global batch and must divide evenly over the {self.world.size} processes"
            )

    # -- running ---------------------------------------------------------------------------

    def run(self, resume: bool = False) -> Path:
        """Train to ``hparams['epochs']`` (or stop after ``max_steps`` train steps in all, with a
        loadable model folder and a checkpoint to resume from); returns the run folder.

        With ``resume`` an existing checkpoint is continued (a folder without one
        starts a new run), keeping the run's seed, hyperparameters and model
        config; only the number of epochs may change.
        """
        with self._claim_folder():
            self._run(resume)
        return self.out_dir

    @contextlib.contextmanager
    def _claim_folder(self) -> Iterator[None]:
        """Lock the run folder (rank 0) and clear temporary files a killed run left in it."""
        if not self.world.main:
            yield
            return
        with run_lock(self.out_dir):
            for folder in (self.out_dir, self.checkpoint_path.parent, self.out_dir / "samples"):
                remove_temporaries(folder)
            yield

    def _run(self, resume: bool) -> None:
        state = load_checkpoint(self.checkpoint_path) if resume and self.checkpoint_path.exists() else None
        if state is None and self.checkpoint_path.exists():
            raise ZooError(f"{self.out_dir} already holds a run; pass --resume to continue it or choose another --out")
        if state is not None:
            self._adopt(state)
        settings = self.settings
        self._stop.requested = None
        with distributed.process_group(self.world, self.device), self._stop.installed():
            torch.manual_seed(settings.seed)
            recipe = self.recipe_cls(self.spec, settings.model_config, settings.hparams, self.device, self.steps_per_epoch)
            meter = LossMeter()
            if settings.precision == "fp16":
                recipe.grad_scaler = torch.amp.GradScaler(self.device.type)
            if state is not None:
                recipe.load_state_dict(state["recipe"])
                if recipe.grad_scaler is not None and state.get("scaler"):
                    recipe.grad_scaler.load_state_dict(state["scaler"])
                if "meter" in state:
                    meter.load_state_dict(state["meter"])
            else:
                recipe.prepare(self.data)
            self._prepare(recipe)
            self._restore_rng(state)
            epoch, batch = (state["epoch"], state.get("batch", 0)) if state is not None else (0, 0)
            step = state.get("step", epoch * self.steps_per_epoch + batch) if state is not None else 0
            wall = state["wall_time_s"] if state is not None else 0.0
            if self.world.main:
                self.log.rewind(epoch, step)
                self._warn_if_short(recipe)
            try:
                self._loop(recipe, meter, epoch, batch, step, wall)
            except DiskFull as exc:
                raise DiskFull(f"{exc}; training stopped and {self._kept()}. "
                               "Free some space, then continue with --resume") from exc

    def _adopt(self, state: dict[str, Any]) -> None:
        """Take the run's own settings from its checkpoint; refuse conflicting requests.

        A hyperparameter the recipe gained after the run started takes its default."""
        run = RunSettings.from_checkpoint(state, self.out_dir, self.recipe_cls, self.settings)
        self.settings = self.requested.resume(run, self.settings.dataset, self.out_dir)
        self._check_batch_size()

    def _prepare(self, recipe: Recipe) -> None:
        """Lay out, compile and wrap for data parallelism the modules the recipe trains."""
        layout = MEMORY_FORMATS[self.settings.memory_format]
        for name, module in recipe.trainable_modules().items():
            module.to(memory_format=layout)
            if self.settings.compile:
                module.compile()
            if self.world.size > 1:
                setattr(recipe, name, distributed.replicate(module, self.device, recipe.find_unused_parameters))

    def _restore_rng(self, state: dict[str, Any] | None) -> None:
        """Each process's generators as checkpointed; fresh per-process noise for a new parallel run."""
        saved = None if state is None else state.get("rng_ranks") or [{"cpu": state["rng"]}]
        if saved is not None and len(saved) == self.world.size:
            set_rng_state(saved[self.world.rank], self.device)
            return
        if self.world.size > 1:
            # every process drew the same initial weights; from here each draws its own noise
            torch.manual_seed(self.settings.seed * 1_000_003 + 7919 * (self.world.rank + 1))
        if saved is not None:
            self._note(
                f"note: the run was checkpointed with {len(saved)} process(es) and continues with "
                f"{self.world.size}; its random numbers are fresh, so it is not a bit-exact continuation"
            )

    def _note(self, message: str) -> None:
        """A line for the user on rank 0, printed around the progress bar."""
        if self.world.main:
            tqdm.write(message, file=sys.stderr)

    def _loop(self, recipe: Recipe, meter: LossMeter, epoch: int, batch: int, step: int, wall: float) -> None:
        epochs, per_epoch = self.settings.hparams["epochs"], self.steps_per_epoch
        trace_every = max(1, per_epoch // TRACE_POINTS_PER_EPOCH)
        if self.max_steps is not None and step >= self.max_steps:
            self._note(f"the run is already at step {step}, not before --max-steps {self.max_steps}; nothing to do")
            return
        bar = tqdm(  # counts images: the rate is images per second and the ETA is the whole run's
            total=epochs * per_epoch if self.max_steps is None else min(epochs * per_epoch, self.max_steps),
            initial=step,
            unit="img",
            unit_scale=self.settings.hparams["batch_size"],
            disable=not self.progress,
            dynamic_ncols=True,
            mininterval=0.1 if sys.stderr.isatty() else 10.0,
        )
        try:
            for epoch in range(epoch, epochs):
                bar.set_description(f"{self.spec.name} epoch {epoch + 1}/{epochs}")
                began = time.perf_counter()
                for batch, (images, labels) in self._batches(epoch, batch):
                    losses = self._step(recipe, images, labels, epoch, batch, step)
                    meter.add(losses)
                    step += 1
                    bar.update()
                    if batch % 20 == 0 or batch == per_epoch - 1:
                        bar.set_postfix({k: f"{v:.3f}" for k, v in losses.items()}, refresh=False)
                    if step % trace_every == 0:
                        record = {"step": step, "epoch": round(step / per_epoch, 4), **meter.window_means()}
                        if self.world.main:
                            self.log.add_step(record)
                    now = wall + time.perf_counter() - began
                    if distributed.any_rank(self._stop.requested is not None, self.world, self.device):
                        self._checkpoint(recipe, meter, epoch, batch + 1, step, now)
                        raise TrainingStopped(
                            f"stopped by a signal at step {step} (epoch {epoch + 1}, batch {batch + 1}/{per_epoch}); "
                            f"continue with --resume from {self.checkpoint_path}",
                            self._stop.requested or signal.SIGTERM,
                        )
                    if step == self.max_steps and batch + 1 < per_epoch:
                        self._finish_early(recipe, meter, epoch, batch + 1, step, now)
                        return
                    if self.checkpoint_every and step % self.checkpoint_every == 0 and batch + 1 < per_epoch:
                        self._checkpoint(recipe, meter, epoch, batch + 1, step, now)
                wall += time.perf_counter() - began
                batch = 0
                self._finish_epoch(recipe, meter, epoch + 1, step, wall)
                if step == self.max_steps:
                    return
        finally:
            bar.close()

    def _batches(self, epoch: int, start: int) -> Iterator[tuple[int, tuple[torch.Tensor, torch.Tensor]]]:
        """This process's share of the epoch's batches, from batch ``start`` on."""
        order = batches(self.data, self.settings.hparams["batch_size"], seed=self.settings.seed * 100003 + epoch)
        layout = MEMORY_FORMATS[self.settings.memory_format]
        for index, (images, labels) in enumerate(islice(order, start, None), start):
            yield index, (
                distributed.shard(images, self.world).to(self.device, memory_format=layout),
                distributed.shard(labels, self.world).to(self.device),
            )

    def _step(
        self, recipe: Recipe, images: torch.Tensor, labels: torch.Tensor, epoch: int, batch: int, step: int
    ) -> dict[str, float]:
        dtype = PRECISIONS[self.settings.precision]
        autocast = torch.autocast(self.device.type, dtype=dtype) if dtype is not None else contextlib.nullcontext()
        with autocast:
            losses = recipe.train_step(images, labels)
        recipe.step_schedules()
        if recipe.grad_scaler is not None:
            if recipe._scaled_steps == 0:
                raise ZooError(
                    f"the {type(recipe).__name__} recipe steps its optimisers itself; float16 training needs "
                    "Recipe.backward(loss) and Recipe.optimizer_step(optimizer). Use --precision bf16 instead."
                )
            recipe.grad_scaler.update()
        losses = distributed.mean_over_ranks(losses, self.world, self.device)
        bad = [key for key, value in losses.items() if not math.isfinite(value)]
        if bad:
            raise TrainingDiverged(
                f"{', '.join(bad)} became {losses[bad[0]]} at step {step + 1} "
                f"(epoch {epoch + 1}, batch {batch + 1}/{self.steps_per_epoch}); training stopped and {self._kept()}"
            )
        return losses

    def _kept(self) -> str:
        if self.checkpoint_path.exists():
            return f"the last good checkpoint is kept at {self.checkpoint_path}"
        return "no checkpoint was written yet"

    def _refuse_divergence(self, recipe: Recipe, step: int) -> None:
        """Stop before saving weights or buffers that are no longer finite (losses can stay finite)."""
        bad = first_non_finite({name: m for name, m in recipe._stateful().items() if isinstance(m, nn.Module)})
        if distributed.any_rank(bad is not None, self.world, self.device):
            raise TrainingDiverged(
                f"{bad or 'a weight on another process'} holds NaN or Inf after step {step}; "
                f"training stopped and {self._kept()}. Start a new run with lower learning rates"
            )

    def _checkpoint(self, recipe: Recipe, meter: LossMeter, epoch: int, batch: int, step: int, wall: float) -> None:
        """Write ``last.pt`` (rank 0); every rank contributes its random generators."""
        self._refuse_divergence(recipe, step)
        rngs = distributed.gather(rng_state(self.device), self.world)
        if not self.world.main:
            return
        save_atomic(
            {
                "format": FORMAT,
                "recipe": recipe.state_dict(),
                "rng": rngs[0]["cpu"],
                "rng_ranks": rngs,
                "epoch": epoch,
                "batch": batch,
                "step": step,
                "settings": self.settings.state(),
                "data_root": self.data_root,
                "world_size": self.world.size,
                "meter": meter.state_dict(),
                "scaler": recipe.grad_scaler.state_dict() if recipe.grad_scaler is not None else None,
                "wall_time_s": wall,
            },
            self.checkpoint_path,
        )

    def _finish_epoch(self, recipe: Recipe, meter: LossMeter, epoch: int, step: int, wall: float) -> None:
        self._refuse_divergence(recipe, step)
        means = meter.epoch_means()
        model = distributed.unwrap(recipe.export_model())
        if self.world.main:
            record = {"epoch": epoch, "step": step, "wall_time_s": round(wall, 1), **means}
            if self._probe.due(wall, final=epoch == self.settings.hparams["epochs"]):
                record.update(self._probe.measure(model, wall))
            training = self._training_record(epoch, wall)
            write_model_folder(self.out_dir, self.spec, self.settings.model_config, model, training=training)
            if self.settings.keep_epochs:
                write_model_folder(snapshot_folder(self.out_dir, epoch), self.spec, self.settings.model_config, model, training)
            self.log.add_epoch(record)
        self._checkpoint(recipe, meter, epoch, 0, step, wall)
        if not self.world.main:
            return
        if can(model, Capability.SAMPLE):
            self._save_grid(model, epoch)
        with refusing_full_disk(self.out_dir / "losses.png"):
            plot_losses(list(means), self.log.epochs(), self.log.steps(), self.out_dir / "losses.png",
                        f"{self.spec.name}: losses (lines: every few steps, dots: epoch means)")
        with refusing_full_disk(self.out_dir / "progress.png"):
            plot_progress(self.log.epochs(), self.out_dir / "progress.png",
                          f"{self.spec.name}: {PROBE_SAMPLES} samples (seed {PROBE_SEED}) judged after epochs")
        if self.progress:
            tqdm.write(f"epoch {epoch}: " + ", ".join(f"{k} {v:.4g}" for k, v in record.items() if k != "epoch"))

    def _finish_early(self, recipe: Recipe, meter: LossMeter, epoch: int, batch: int, step: int, wall: float) -> None:
        """Stop inside an epoch at ``max_steps``: the model folder holds the weights so far and the
        checkpoint the place to resume from."""
        self._refuse_divergence(recipe, step)
        if self.world.main:
            model = distributed.unwrap(recipe.export_model())
            training = self._training_record(round(step / self.steps_per_epoch, 4), wall)
            write_model_folder(self.out_dir, self.spec, self.settings.model_config, model, training=training)
        self._checkpoint(recipe, meter, epoch, batch, step, wall)
        self._note(f"stopped after {step} steps (--max-steps), in epoch {epoch + 1}; continue with --resume")

    def _warn_if_short(self, recipe: Recipe) -> None:
        """Say so when the planned run has fewer train steps than the recipe needs to be worth loading."""
        planned = self.settings.hparams["epochs"] * self.steps_per_epoch
        if self.max_steps is not None:
            planned = min(planned, self.max_steps)
        if planned < recipe.min_useful_steps:
            self._note(
                f"warning: {planned} train steps planned; {type(recipe).__name__} needs about "
                f"{recipe.min_useful_steps} for a model worth loading (more epochs, more images or a smaller batch)"
            )

    def _training_record(self, epoch: float, wall: float) -> dict[str, Any]:
        record = {
            "command": self.command or f"zoo train {self.spec.name}",
            "epochs": epoch,
            "wall_time_s": round(wall, 1),
            **self.settings.record(),
            "hardware": describe_hardware(self.device, self.world.size),
            "torch": torch.__version__,
        }
        return {key: value for key, value in record.items() if value is not None}

    def _save_grid(self, model: nn.Module, epoch: int) -> None:
        from zoo.core.grid import save_image

        was_training = model.training
        model.eval()
        grid = model.sample(64, seed=0)
        model.train(was_training)
        path = self.out_dir / "samples" / f"epoch_{epoch:03d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, lambda tmp: save_image(grid, tmp, nrow=8, padding=2, format="png"))
