"""Datasets as in-memory tensors: images in [0, 1] of shape (N, C, H, W) and labels."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import torch

from zoo.errors import ZooError

TORCHVISION_DATASETS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}


@dataclass
class ImageData:
    """Images in ``[0, 1]`` with integer labels (``-1`` where there are none)."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return self.images.shape[0]


def default_root() -> Path:
    return Path(os.environ.get("ZOO_DATA", "data")).expanduser()


def load_dataset(name: str, root: str | Path | None = None, train: bool = True) -> ImageData:
    """Load a named dataset from ``root`` (torchvision layout), downloading only if missing."""
    if name == "crosses":
        return crosses(4096 if train else 1024, seed=0 if train else 1)[0]
    if name not in TORCHVISION_DATASETS:
        raise ZooError(f"unknown dataset {name!r}; known: crosses, {', '.join(TORCHVISION_DATASETS)}")
    import torchvision.datasets as tvd

    root = Path(root) if root is not None else default_root()
    cls = getattr(tvd, TORCHVISION_DATASETS[name])
    try:
        dataset = cls(str(root), train=train, download=False)
    except RuntimeError:
        try:
            dataset = cls(str(root), train=train, download=True)
        except Exception as exc:  # noqa: BLE001 - any download failure means the same to the user
            raise ZooError(
                f"{name} is not under {root / cls.__name__ / 'raw'} and could not be downloaded ({exc}); "
                f"pass --data pointing at a folder that holds {cls.__name__}/raw"
            ) from None
    images = dataset.data.unsqueeze(1).float().div_(255.0)
    return ImageData(images, dataset.targets.long())


def crosses(n: int, seed: int = 0, size: int = 28) -> tuple[ImageData, torch.Tensor]:
    """The toy "cross" data: a cross whose centre (row, col) and grey level are hidden causes.

    Returns the images (labels = -1) and the latent factors ``(n, 3)``: row and
    column of the centre in pixels, and the grey level in ``(0, 1]``.
    """
    gen = torch.Generator().manual_seed(seed)
    margin, arm = 5, 4
    centre = torch.randint(margin, size - margin, (n, 2), generator=gen)
    grey = 0.3 + 0.7 * torch.rand(n, generator=gen)
    coords = torch.arange(size)
    rows = (coords.view(1, size, 1) - centre[:, 0].view(n, 1, 1)).abs()
    cols = (coords.view(1, 1, size) - centre[:, 1].view(n, 1, 1)).abs()
    horizontal = (rows <= 1) & (cols <= arm)
    vertical = (cols <= 1) & (rows <= arm)
    images = (horizontal | vertical).float() * grey.view(n, 1, 1)
    factors = torch.stack([centre[:, 0].float(), centre[:, 1].float(), grey], dim=1)
    return ImageData(images.unsqueeze(1), torch.full((n,), -1)), factors


def batches(data: ImageData, batch_size: int, seed: int, drop_last: bool = True):
    """Shuffled mini-batches of ``(images, labels)``, reproducible from ``seed``."""
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))
    count = len(data) // batch_size if drop_last else math.ceil(len(data) / batch_size)
    for i in range(count):
        index = order[i * batch_size : (i + 1) * batch_size]
        yield data.images[index], data.labels[index]
