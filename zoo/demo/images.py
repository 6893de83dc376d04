"""Images in and out of the demo: tensors to PNG data URLs, pad pixels to tensors."""
from __future__ import annotations

import base64
import io
import math

import torch

from zoo.core.grid import make_grid, to_image

PAD = 2  # pixels between the tiles of a grid


def grid(images: torch.Tensor, nrow: int | None = None) -> torch.Tensor:
    """Images ``(N, C, H, W)`` in ``[0, 1]`` as one ``(C, H', W')`` picture, ``nrow`` per row (default: square)."""
    nrow = nrow or math.ceil(math.sqrt(images.shape[0]))
    return make_grid(images.detach().float().cpu().clamp(0, 1), nrow=nrow, padding=PAD, pad_value=1.0)


def data_url(picture: torch.Tensor) -> str:
    """A ``(C, H, W)`` picture in ``[0, 1]`` (1 or 3 channels) as a ``data:image/png`` URL."""
    buffer = io.BytesIO()
    to_image(picture.detach().float().cpu().clamp(0, 1)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def grid_url(images: torch.Tensor, nrow: int | None = None) -> str:
    """:func:`grid` as a PNG data URL."""
    return data_url(grid(images, nrow))


def pad_image(pixels: list[float], shape: tuple[int, int, int]) -> torch.Tensor:
    """Checked pad pixels (row by row, in ``[0, 1]``) as one image ``(1, C, H, W)``."""
    return torch.tensor(pixels, dtype=torch.float32).reshape(1, *shape)
