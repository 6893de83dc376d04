"""Measuring a model on its dataset: the numbers that go into model cards."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from zoo.data.datasets import load_dataset
from zoo.evaluate.quality import classify, load_classifier, sample_quality

DEFAULT_SAMPLES = 10000


@torch.inference_mode()
def evaluate_samples(model: torch.nn.Module, data_root: str | Path | None, n: int = DEFAULT_SAMPLES, seed: int = 0) -> dict[str, Any]:
    """Classifier metrics and FID of ``n`` samples against the real test set.

    Conditional models are asked for labels ``0, 1, ..., 9, 0, ...`` and also
    get ``label_accuracy``: how often the classifier finds the asked class.
    """
    reference = load_dataset(model.spec.dataset, data_root, train=False).images
    if model.spec.conditional:  # every class equally often; report how often the classifier agrees
        labels = torch.arange(n) % model.num_classes
        images = model.sample(n, seed=seed, labels=labels).cpu()
    else:
        labels, images = None, model.sample(n, seed=seed).cpu()
    result = sample_quality(images, reference, load_classifier(), labels=labels)
    result["samples"] = n
    result["seed"] = seed
    return result


@torch.inference_mode()
def real_data_floor(data_root: str | Path | None, dataset: str = "mnist", n: int = DEFAULT_SAMPLES) -> dict[str, Any]:
    """The same metrics for real test images against real training images: the best a model can do."""
    test = load_dataset(dataset, data_root, train=False).images[:n]
    train = load_dataset(dataset, data_root, train=True).images[:n]
    return sample_quality(test, train, load_classifier())


@torch.inference_mode()
def classifier_accuracy(model: torch.nn.Module, data_root: str | Path | None, dataset: str = "mnist") -> dict[str, Any]:
    test = load_dataset(dataset, data_root, train=False)
    probs, _ = classify(model, test.images)
    return {"test_accuracy": round((probs.argmax(1) == test.labels).double().mean().item(), 4)}
