"""Mode collapse and sample quality watched during training: class coverage,
KL(class histogram || uniform) and confident fraction of a fixed-seed batch of
samples, judged by the evaluation network of the run's dataset.

The probe runs after the first and the last epoch of a process and, in
between, once the training time since it last ran is at least ``1 / BUDGET``
times what it cost then: every epoch when epochs take minutes, every few when
they take seconds, so that it never costs more than about 2% of a run. It draws
nothing from the run's random generators, so whether it runs changes nothing
that follows (a resumed run continues bit for bit)."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

import torch
from torch import nn

from zoo.errors import ZooError
from zoo.models.capabilities import Capability, can

if TYPE_CHECKING:
    from zoo.evaluate.quality import Judge

SAMPLES = 1000
SEED = 0
BUDGET = 0.02  # the largest share of training time the probe may take


class CollapseProbe:
    """Measures a sampling model after epochs; says once, and quietly, when it cannot."""

    def __init__(self, dataset: str | None, device: torch.device, note: Callable[[str], None]) -> None:
        self.dataset = dataset
        self.device = device
        self.note = note
        self._judge: Judge | None = None
        self._unavailable = False
        self._cost: float | None = None  # seconds the last measurement took
        self._measured_at = 0.0  # training seconds when it was taken

    def due(self, trained_s: float, final: bool) -> bool:
        """Whether to measure after an epoch that ends ``trained_s`` seconds into training."""
        if final or self._cost is None:
            return True
        return trained_s - self._measured_at >= self._cost / BUDGET

    def measure(self, model: nn.Module, trained_s: float = 0.0) -> dict[str, float]:
        """``class_coverage``, ``kl_to_uniform`` and ``confident_fraction`` of the model's samples, or nothing."""
        if not can(model, Capability.SAMPLE):
            return {}
        devices = [self.device] if self.device.type == "cuda" else []
        with torch.random.fork_rng(devices=devices):  # building the judge draws: keep the run's generators
            judge = self._load()
            if judge is None:
                return {}
            from zoo.evaluate.quality import CLASSES, sample_quality

            started = time.perf_counter()
            was_training = model.training
            model.eval()
            try:
                return sample_quality(model, judge, SAMPLES, SEED, measures={CLASSES}).metrics
            finally:
                model.train(was_training)
                self._cost, self._measured_at = time.perf_counter() - started, trained_s

    def _load(self) -> Judge | None:
        if self._judge is not None or self._unavailable:
            return self._judge
        from zoo.evaluate.quality import Judge, load_evaluator

        try:
            self._judge = Judge(load_evaluator(self.dataset, self.device))
        except ZooError as exc:
            self._unavailable = True
            self.note(f"class coverage, KL to uniform and confident fraction are not measured: {exc}")
        return self._judge
