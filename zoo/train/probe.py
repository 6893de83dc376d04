"""Mode collapse and sample quality watched during training: class coverage,
KL(class histogram || uniform) and confident fraction of a fixed-seed batch of
samples, judged by the zoo's classifier for the run's dataset."""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from zoo.errors import ZooError

SAMPLES = 1000
SEED = 0


class CollapseProbe:
    """Measures a sampling model after each epoch; says once, and quietly, when it cannot."""

    def __init__(self, dataset: str | None, device: torch.device, note: Callable[[str], None]) -> None:
        self.dataset = dataset
        self.device = device
        self.note = note
        self._classifier: nn.Module | None = None
        self._unavailable = False

    def measure(self, model: nn.Module) -> dict[str, float]:
        """``class_coverage``, ``kl_to_uniform`` and ``confident_fraction`` of the model's samples, or nothing."""
        if not hasattr(model, "sample"):
            return {}
        classifier = self._load()
        if classifier is None:
            return {}
        from zoo.evaluate.quality import class_stats, classify

        was_training = model.training
        model.eval()
        try:
            images = model.sample(SAMPLES, seed=SEED)
        finally:
            model.train(was_training)
        probs, _ = classify(classifier, images)
        return class_stats(probs)

    def _load(self) -> nn.Module | None:
        if self._classifier is not None or self._unavailable:
            return self._classifier
        from zoo.evaluate.quality import CLASSIFIER, load_classifier
        from zoo.core.registry import get_spec

        try:
            known = get_spec(CLASSIFIER).dataset
            if self.dataset != known:
                raise ZooError(f"it judges {known} and this run trains on {self.dataset or 'data given in code'}")
            self._classifier = load_classifier(self.device)
        except ZooError as exc:
            self._unavailable = True
            self.note(f"class coverage, KL to uniform and confident fraction are not measured: {CLASSIFIER}: {exc}")
        return self._classifier
