"""Domain B of cyclegan-mnist: MNIST digits restyled in the manner of MNIST-M.

Each image gets a background that runs between two random colours along a
random direction, with a smooth noise texture on top, and strokes of one
random colour on the other side of mid-grey (a dark background gets light
strokes and the other way round). All randomness comes from one
``torch.Generator`` (CPU), so a seed fixes the styles.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from zoo.models.translation import quantised

TEXTURE = 0.15  # amplitude of the background noise texture
TEXTURE_GRID = 7  # the noise is drawn on a 7x7 grid and smoothly upsampled
LUMA = (0.299, 0.587, 0.114)


def stylise(digits: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Digits ``(N, 1, H, W)`` in ``[0, 1]`` -> coloured images ``(N, 3, H, W)`` in ``[0, 1]`` (8-bit levels)."""
    n, _, height, width = digits.shape

    def uniform(*shape: int) -> torch.Tensor:
        return torch.rand(*shape, generator=generator).to(digits.device, digits.dtype)

    dark = uniform(n, 1, 1, 1) < 0.5
    near, far = uniform(n, 3, 1, 1), uniform(n, 3, 1, 1)
    angle = uniform(n, 1, 1, 1) * 2 * math.pi
    texture = uniform(n, 3, TEXTURE_GRID, TEXTURE_GRID)
    ink = uniform(n, 3, 1, 1)

    def half(values: torch.Tensor, low: torch.Tensor) -> torch.Tensor:
        """Values in [0, 1] squeezed into [0, 0.45] where ``low``, else into [0.55, 1]."""
        return torch.where(low, 0.45 * values, 0.55 + 0.45 * values)

    rows = torch.linspace(-1, 1, height, device=digits.device, dtype=digits.dtype).view(1, 1, height, 1)
    cols = torch.linspace(-1, 1, width, device=digits.device, dtype=digits.dtype).view(1, 1, 1, width)
    ramp = ((angle.cos() * cols + angle.sin() * rows) * 0.5 + 0.5).clamp(0, 1)
    background = torch.lerp(half(near, dark), half(far, dark), ramp)
    noise = F.interpolate(texture, size=(height, width), mode="bilinear", align_corners=False)
    background = background + TEXTURE * (noise - 0.5)
    background = torch.where(dark, background.clamp(0, 0.5), background.clamp(0.5, 1))
    return quantised(torch.lerp(background, half(ink, ~dark), digits))


def grey(images: torch.Tensor) -> torch.Tensor:
    """Luma (ITU-R BT.601) of RGB images ``(N, 3, H, W)``: ``(N, 1, H, W)``, same range as the input."""
    weights = torch.tensor(LUMA, device=images.device, dtype=images.dtype).view(1, 3, 1, 1)
    return (images * weights).sum(1, keepdim=True)
