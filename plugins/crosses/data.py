"""Generates the toy crosses and their latent factors."""
from __future__ import annotations

from pathlib import Path

import torch

from zoo.data.datasets import ImageData

TRAIN_SIZE, TEST_SIZE = 4096, 1024


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


def load(root: Path | None, train: bool) -> ImageData:
    """The training split (seed 0) or the test split (seed 1); ``root`` is not used."""
    return crosses(TRAIN_SIZE if train else TEST_SIZE, seed=0 if train else 1)[0]
