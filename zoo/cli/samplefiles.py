"""Where ``zoo sample`` puts its images: a picture grid, or a file of tensors for many samples.

A grid is for looking at, so it holds at most ``MAX_GRID`` images. A ``.npy`` or
``.safetensors`` file holds any number: the float32 images ``(N, C, H, W)`` in
``[0, 1]``, written one batch at a time behind a header that announces them all,
so memory stays that of one batch.
"""
from __future__ import annotations

import io
import itertools
import json
import math
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from zoo.errors import ZooError
from zoo.core.files import replace_atomically

if TYPE_CHECKING:
    import torch

MAX_GRID = 1024
TENSOR_SUFFIXES = (".npy", ".safetensors")
SAFETENSORS_KEY = "images"


def holds_tensors(path: Path) -> bool:
    """Whether ``path`` names a file of tensors rather than a picture."""
    return path.suffix.lower() in TENSOR_SUFFIXES


def check_grid(path: Path, n: int) -> None:
    """Refuse a picture grid of ``n`` images that no one could look at, or a suffix that is not a picture format."""
    from PIL import Image

    if path.suffix.lower() not in Image.registered_extensions():
        raise ZooError(f"cannot tell what to write from the name {path}: end it in .png for a grid of images, "
                       f"or in {' or '.join(TENSOR_SUFFIXES)} for a file of all samples")
    if n > MAX_GRID:
        raise ZooError(f"a picture grid holds at most {MAX_GRID} images, not {n}; to keep {n} samples, "
                       f"write them to a file of tensors: -o {path.with_suffix('.npy')} (or .safetensors)")


def write_samples(
    path: Path, n: int, batches: Iterable[torch.Tensor], metadata: Mapping[str, str] | None = None
) -> None:
    """Write ``n`` images arriving in ``batches`` to ``path`` (.npy, or .safetensors with ``metadata``).

    The file appears once complete; a failure or a full disk leaves none behind.
    """
    batches = iter(batches)
    first = next(batches)
    shape = (n, *first.shape[1:])
    if path.suffix.lower() == ".npy":
        header = _npy_header(shape)
    else:
        header = _safetensors_header(shape, dict(metadata or {}))

    def write(tmp: Path) -> None:
        written = 0
        with open(tmp, "wb") as handle:
            handle.write(header)
            for batch in itertools.chain([first], batches):
                handle.write(batch.detach().cpu().float().numpy().astype("<f4", copy=False).tobytes())
                written += len(batch)
        if written != n:
            raise RuntimeError(f"expected {n} samples, got {written}")

    replace_atomically(path, write)


def _npy_header(shape: tuple[int, ...]) -> bytes:
    import numpy as np

    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f4", "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def _safetensors_header(shape: tuple[int, ...], metadata: dict[str, str]) -> bytes:
    size = 4 * math.prod(shape)
    header: dict[str, object] = {SAFETENSORS_KEY: {"dtype": "F32", "shape": list(shape), "data_offsets": [0, size]}}
    if metadata:
        header["__metadata__"] = metadata
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the tensor data starts 8-byte aligned
    return struct.pack("<Q", len(raw)) + raw
