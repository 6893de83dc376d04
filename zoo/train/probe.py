"""Mode collapse and sample quality watched during training: class coverage,
KL(class histogram || uniform) and confident fraction of a fixed-seed batch of
samples, judged by the evaluation network of the run's dataset."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import torch
from torch import nn

from zoo.errors import ZooError

if TYPE_CHECKING:
    from zoo.evaluate.quality import Judge

SAMPLES = 1000
SEED = 0


class CollapseProbe:
    """Measures a sampling model after each epoch; says once, and quietly, when it cannot."""

    def __init__(self, dataset: str | None, device: torch.device, note: Callable[[str], None]) -> None:
        self.dataset = dataset
        self.device = device
        self.note = note
        self._judge: Judge | None = None
        self._unavailable = False

    def measure(self, model: nn.Module) -> dict[str, float]:
        """``class_coverage``, ``kl_to_uniform`` and ``confident_fraction`` of the model's samples, or nothing."""
        if not hasattr(model, "sample"):
            return {}
        judge = self._load()
        if judge is None:
            return {}
        from zoo.evaluate.quality import CLASSES, sample_quality

        was_training = model.training
        model.eval()
        try:
            return sample_quality(model, judge, SAMPLES, SEED, measures={CLASSES}).metrics
        finally:
            model.train(was_training)

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
