"""Loads MNIST through torchvision."""
from __future__ import annotations

from pathlib import Path

from zoo.data.datasets import ImageData
from zoo.data.torchvision_sets import load_torchvision


def load(root: Path | None, train: bool) -> ImageData:
    """The training or test split of MNIST under ``root``."""
    return load_torchvision("MNIST", root, train, idx=True)
