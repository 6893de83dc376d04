""""Kept": does the class survive a translation model's translation, and does it beat doing nothing?

For a translation model, ``kept`` is the fraction of the test images whose
translation ``translate(inputs_from(images))`` the dataset's evaluation
network gives the image's own label; ``kept_baseline`` is the same for the
trivial translation, the inputs themselves brought to the dataset's image
shape (channels averaged to grey, or grey repeated; sides resized bicubically).
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from zoo.evaluate.quality import Judge, translated_label_accuracy
from zoo.models.translation import TranslationModel

INPUTS_SEED = 0  # what is random in turning test images into inputs


def as_dataset_images(inputs: torch.Tensor, shape: tuple[int, int, int]) -> torch.Tensor:
    """Images of any channels and size in ``[0, 1]`` -> ``shape``: the trivial translation."""
    channels, height, width = shape
    if inputs.shape[1] != channels:
        inputs = inputs.mean(1, keepdim=True) if channels == 1 else inputs[:, :1].expand(-1, channels, -1, -1)
    if tuple(inputs.shape[2:]) != (height, width):
        inputs = F.interpolate(inputs, size=(height, width), mode="bicubic", align_corners=False)
    return inputs.clamp(0.0, 1.0)


def kept_metrics(model: Any, judge: Judge, n: int | None = None) -> dict[str, float]:
    """``kept`` and ``kept_baseline`` on the first ``n`` test images (all by default); nothing for a
    model that does not translate or a dataset without labels."""
    test = judge.real_data
    images, labels = test.images[:n], test.labels[:n]
    if not isinstance(model, TranslationModel) or bool((labels < 0).any()):
        return {}
    inputs = model.inputs_from(images, seed=INPUTS_SEED)
    network, shape = judge.network, model.dataset_shape
    return {
        "kept": translated_label_accuracy(network, model, inputs, labels, model.translate),
        "kept_baseline": translated_label_accuracy(network, model, inputs, labels,
                                                   lambda batch: as_dataset_images(batch, shape)),
    }
