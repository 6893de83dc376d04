"""Datasets stored as IDX files (``ROOT/CLASS/raw``, as torchvision lays them out) read without importing
torchvision, which costs about 2 s a process."""
from __future__ import annotations

import math
import os
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
    """The array in ``path``; None unless its header says ``magic`` and the file is exactly as long as the
    header's shape, which is checked before the body is read (a stray huge file is never loaded)."""
    dims = magic & 0xFF
    header = 4 * (dims + 1)
    with path.open("rb") as file:
        head = file.read(header)
        if len(head) < header or int.from_bytes(head[:4], "big") != magic:
            return None
        shape = [int.from_bytes(head[4 * (i + 1):4 * (i + 2)], "big") for i in range(dims)]
        if os.fstat(file.fileno()).st_size - header != math.prod(shape):
            return None
        body = file.read()
    if len(body) != math.prod(shape):  # changed while read
        return None
    return np.frombuffer(body, dtype=np.uint8).reshape(shape).copy()
