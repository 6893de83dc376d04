"""Image grids and PNGs, pixel for pixel what ``torchvision.utils.make_grid`` and ``save_image`` make of the
arguments the zoo passes, without importing torchvision (which, through ``torchvision.models``, costs about 2 s)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import IO

import torch
from PIL import Image


def make_grid(images: torch.Tensor, nrow: int = 8, padding: int = 2, pad_value: float = 0.0) -> torch.Tensor:
    """Images ``(N, C, H, W)`` (or one ``(C, H, W)``) as one ``(C', H', W')`` picture: rows of ``nrow``, ``padding``
    pixels of ``pad_value`` between and around them; one channel becomes three, and a single image is not padded."""
    if images.dim() == 3:
        images = images.unsqueeze(0)
    if images.size(1) == 1:
        images = images.expand(-1, 3, -1, -1)
    if images.size(0) == 1:
        return images[0].clone()
    count, channels, height, width = images.shape
    columns = min(nrow, count)
    rows = math.ceil(count / columns)
    step_y, step_x = height + padding, width + padding
    grid = images.new_full((channels, step_y * rows + padding, step_x * columns + padding), pad_value)
    for k in range(count):
        top, left = (k // columns) * step_y + padding, (k % columns) * step_x + padding
        grid[:, top:top + height, left:left + width] = images[k]
    return grid


def to_image(picture: torch.Tensor) -> Image.Image:
    """A ``(C, H, W)`` picture in ``[0, 1]`` as a PIL image, each value rounded to the nearest of 256 levels."""
    levels = picture.detach().mul(255).add_(0.5).clamp_(0, 255).to("cpu", torch.uint8)
    array = levels.permute(1, 2, 0).numpy()
    return Image.fromarray(array[:, :, 0] if array.shape[2] == 1 else array)


def save_image(images: torch.Tensor, path: str | Path | IO[bytes], nrow: int = 8, padding: int = 2,
               pad_value: float = 0.0, format: str | None = None) -> None:
    """:func:`make_grid` of ``images`` written as an image file (its kind from ``format`` or the file name)."""
    to_image(make_grid(images, nrow, padding, pad_value)).save(path, format=format)
