"""The toy shapes: a bar across, a bar down, a filled square or a diagonal, of random place and grey."""
from __future__ import annotations

from pathlib import Path

import torch

from zoo.data.datasets import ImageData

CLASSES = ("across", "down", "square", "diagonal")
SIDE = 16
TRAIN_SIZE, TEST_SIZE = 600, 300


def shapes(n: int, seed: int = 0) -> ImageData:
    """``n`` seeded images ``(n, 1, SIDE, SIDE)`` in [0, 1], every class equally often, labelled."""
    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % len(CLASSES)
    row, col = (torch.randint(3, SIDE - 3, (n, 1, 1), generator=gen) for _ in range(2))
    half = torch.randint(2, 4, (n, 1, 1), generator=gen)
    grey = 0.5 + 0.5 * torch.rand(n, 1, 1, generator=gen)
    rows = torch.arange(SIDE).view(1, SIDE, 1) - row
    cols = torch.arange(SIDE).view(1, 1, SIDE) - col
    masks = torch.stack([
        (rows.abs() <= 0) & (cols.abs() <= 2 * half),  # across
        (cols.abs() <= 0) & (rows.abs() <= 2 * half),  # down
        (rows.abs() <= half) & (cols.abs() <= half),  # square
        (rows == cols) & (rows.abs() <= 2 * half),  # diagonal
    ])
    chosen = masks[labels, torch.arange(n)]
    return ImageData((chosen.float() * grey).unsqueeze(1), labels)


def load(root: Path | None, train: bool) -> ImageData:
    """The training split (seed 0) or the test split (seed 1); ``root`` is not used."""
    return shapes(TRAIN_SIZE if train else TEST_SIZE, seed=0 if train else 1)
