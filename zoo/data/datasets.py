"""Datasets as in-memory tensors: images in [0, 1] of shape (N, C, H, W) and labels.

Named datasets are registered by plugins (``register_datasets``);
``load_dataset`` looks the name up in the registry and runs its loader.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch

from zoo.core.registry import get_dataset
from zoo.errors import ZooError


@dataclass
class ImageData:
    """Images in ``[0, 1]`` with integer labels (``-1`` where there are none)."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return self.images.shape[0]


def load_dataset(name: str, root: str | Path | None = None, train: bool = True) -> ImageData:
    """The training (or test) split of the registered dataset ``name``, read from ``root``
    (None: the lookup order of :mod:`zoo.data.roots`)."""
    spec = get_dataset(name)
    data = spec.loader()(Path(root).expanduser() if root is not None else None, train)
    images = getattr(data, "images", None)
    shaped = isinstance(images, torch.Tensor) and tuple(images.shape[1:]) == spec.image_shape
    if not isinstance(data, ImageData) or not shaped:
        got = f"images of shape {tuple(images.shape)}" if isinstance(images, torch.Tensor) else type(data).__name__
        raise ZooError(
            f"dataset {name!r}: its loader {spec.load} gave {got}, not an ImageData of images (N, "
            f"{', '.join(map(str, spec.image_shape))}) as the dataset is registered; fix the loader or its DatasetSpec"
        )
    return data


def batches(data: ImageData, batch_size: int, seed: int, drop_last: bool = True):
    """Shuffled mini-batches of ``(images, labels)``, reproducible from ``seed``."""
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))
    count = len(data) // batch_size if drop_last else math.ceil(len(data) / batch_size)
    for i in range(count):
        index = order[i * batch_size : (i + 1) * batch_size]
        yield data.images[index], data.labels[index]
