"""Measuring a model on its dataset: the real data it is compared with, the real-data floor,
and the numbers that go into model cards (``zoo export``, ``zoo evaluate``)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection

import torch
from torch import nn

from zoo.data.datasets import ImageData, load_dataset
from zoo.evaluate.quality import (
    CARD,
    DEFAULT_SAMPLES,
    EVERYTHING,
    FID,
    Judge,
    classify,
    image_quality,
    label_accuracy,
    load_evaluator,
    sample_quality,
)

FLOOR_SEED = 0
CARD_SAMPLES = DEFAULT_SAMPLES  # samples, and real images for the floor, behind a model card's numbers
CARD_SEED = 0


@dataclass
class Reference:
    """A dataset's real images: ``test`` is what samples are measured against, ``train`` gives the floor."""

    dataset: str
    train: ImageData
    test: ImageData


def load_reference(dataset: str, data_root: str | Path | None) -> Reference:
    """The training and test split of ``dataset``, read from ``data_root``."""
    train, test = (load_dataset(dataset, data_root, train=split) for split in (True, False))
    return Reference(dataset, train, test)


def floor_images(train: ImageData, n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The real-data floor's images: ``n`` training images drawn at random (seed ``FLOOR_SEED``),
    with their labels (None when the dataset has none)."""
    if n > len(train):
        raise ValueError(f"n={n} is more than the {len(train)} training images the real-data floor is drawn from")
    index = torch.randperm(len(train), generator=torch.Generator().manual_seed(FLOOR_SEED))[:n]
    labels = train.labels[index]
    return train.images[index], labels if bool((labels >= 0).all()) else None


def real_data_floor(
    reference: Reference, judge: Judge, n: int = DEFAULT_SAMPLES, measures: Collection[str] = EVERYTHING
) -> dict[str, Any]:
    """The best a model can do: ``n`` real training images (:func:`floor_images`) measured exactly as
    ``n`` samples are, against the test split that ``judge`` holds.

    This is the bench's definition, chosen over comparing test[:n] with
    train[:n]: the floor is then measured against the same reference, with
    the same number of images, as every model, so a model's FID and its floor
    differ only in where the images came from. A random draw, not the first
    ``n``, keeps the floor from depending on the order the files store.
    """
    images, labels = floor_images(reference.train, n)
    return image_quality(images, judge, labels, measures)


def evaluate_model(model: nn.Module, data_root: str | Path | None, dataset: str | None = None) -> dict[str, Any]:
    """The model-card metrics of a model on ``dataset`` (default: its spec's), for ``zoo export`` and ``zoo evaluate``.

    A classifier gets its test accuracy. A model that samples gets
    :func:`~zoo.evaluate.quality.sample_quality`'s card measures of
    ``CARD_SAMPLES`` samples from ``CARD_SEED`` against the test split, and
    ``fid_real_floor``, the real-data floor's FID; as many samples as the
    dataset has training images where it has fewer (the floor draws that many).
    """
    dataset = dataset or model.spec.dataset
    if model.spec.family == "classifier":
        return classifier_accuracy(model, data_root, dataset)
    network = load_evaluator(dataset, model.device)
    reference = load_reference(dataset, data_root)
    judge = Judge(network, reference.test)
    n = min(CARD_SAMPLES, len(reference.train))
    metrics = sample_quality(model, judge, n, CARD_SEED, measures=CARD).metrics
    metrics.update(samples=n, seed=CARD_SEED, fid_real_floor=real_data_floor(reference, judge, n, {FID})["fid"])
    return metrics


@torch.inference_mode()
def classifier_accuracy(model: nn.Module, data_root: str | Path | None, dataset: str) -> dict[str, Any]:
    """A classifier's accuracy on the test split of ``dataset``."""
    test = load_dataset(dataset, data_root, train=False)
    probs, _ = classify(model, test.images)
    return {"test_accuracy": label_accuracy(probs, test.labels)}
