"""Datasets stored as IDX files (``ROOT/CLASS/raw``, as torchvision lays them out) read without importing
torchvision, which costs about 2 s a process."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from zoo.data.datasets import ImageData

FILES = {  # split -> (images, labels); a copy counts only with all four files, as torchvision counts it
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
IMAGES, LABELS = 0x0803, 0x0801  # unsigned bytes in 3 dimensions, in 1


def read_split(raw: Path, train: bool) -> ImageData | None:
    """The split read from the IDX files in ``raw``; None when a file is missing or not an IDX file of bytes."""
    if not all((raw / name).is_file() for pair in FILES.values() for name in pair):
        return None
    images_file, labels_file = FILES[train]
    images, labels = _read(raw / images_file, IMAGES), _read(raw / labels_file, LABELS)
    if images is None or labels is None or len(images) != len(labels):
        return None
    return ImageData(torch.from_numpy(images).unsqueeze(1).float().div_(255.0), torch.from_numpy(labels).long())


def _read(path: Path, magic: int) -> np.ndarray | None:
    data = path.read_bytes()
    dims = magic & 0xFF
    header = 4 * (dims + 1)
    if len(data) < header or int.from_bytes(data[:4], "big") != magic:
        return None
    shape = [int.from_bytes(data[4 * (i + 1):4 * (i + 2)], "big") for i in range(dims)]
    if len(data) - header != int(np.prod(shape)):
        return None
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape).copy()
