"""Image domains made from digits, for the translation family's inputs and targets.

Each function maps images ``(N, C, H, W)`` in ``[0, 1]`` to images in
``[0, 1]`` rounded to 8-bit levels. What is random (colours, textures) is drawn
from one ``torch.Generator`` on the CPU, ``None`` meaning torch's global one
(which the trainer seeds and checkpoints), so a seed fixes the result:

- :func:`shrink`: a ``factor`` times smaller copy (area average), the input of 4x super-resolution;
- :func:`mask_centre`: the centre square painted over, the input of inpainting;
- :func:`colourise`: coloured digits in the manner of Ganin et al.'s coloured digits (a two-colour
  ramp with a smooth noise texture behind strokes of one colour on the other
  side of mid-grey);
- :func:`on_texture`: digits on a coloured, textured background (stripes and
  noise), strokes keeping their brightness;
- :func:`thin`, :func:`thick`, :func:`invert`: stroke weight and polarity;
- :func:`edges`: Sobel edge maps.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from zoo.models.translation import quantised

TEXTURE = 0.15  # amplitude of colourise's background noise
TEXTURE_GRID = 7  # noise is drawn on a 7x7 grid and smoothly upsampled
LUMA = (0.299, 0.587, 0.114)
MASK_FILL = 0.5  # the grey that covers a masked square
SOBEL = ((-1.0, 0.0, 1.0), (-2.0, 0.0, 2.0), (-1.0, 0.0, 1.0))


def shrink(images: torch.Tensor, factor: int = 4) -> torch.Tensor:
    """Images ``(N, C, H, W)`` -> ``(N, C, H / factor, W / factor)``, each pixel the mean of its block."""
    return quantised(F.avg_pool2d(images, factor))


def centre_mask(height: int, width: int, size: int, device: torch.device | None = None) -> torch.Tensor:
    """A ``(1, 1, height, width)`` float mask: 1 on the centre ``size`` x ``size`` square, 0 elsewhere."""
    if not 0 < size <= min(height, width):
        raise ValueError(f"the masked square must be between 1 and {min(height, width)} pixels, got {size}")
    mask = torch.zeros(1, 1, height, width, device=device)
    top, left = (height - size) // 2, (width - size) // 2
    mask[..., top : top + size, left : left + size] = 1.0
    return mask


def mask_centre(images: torch.Tensor, size: int) -> torch.Tensor:
    """Images with their centre ``size`` x ``size`` square painted mid-grey."""
    mask = centre_mask(images.shape[2], images.shape[3], size, images.device).to(images.dtype)
    return torch.lerp(images, torch.full_like(images, MASK_FILL), mask)


def _uniform(images: torch.Tensor, generator: torch.Generator | None, *shape: int) -> torch.Tensor:
    return torch.rand(*shape, generator=generator).to(images.device, images.dtype)


def _split(values: torch.Tensor, low: torch.Tensor) -> torch.Tensor:
    """Values in [0, 1] squeezed into [0, 0.45] where ``low``, else into [0.55, 1]."""
    return torch.where(low, 0.45 * values, 0.55 + 0.45 * values)


def _ramp(images: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """``(N, 1, H, W)`` in [0, 1] rising along each image's direction ``angle``."""
    height, width = images.shape[2:]
    rows = torch.linspace(-1, 1, height, device=images.device, dtype=images.dtype).view(1, 1, height, 1)
    cols = torch.linspace(-1, 1, width, device=images.device, dtype=images.dtype).view(1, 1, 1, width)
    return ((angle.cos() * cols + angle.sin() * rows) * 0.5 + 0.5).clamp(0, 1)


def colourise(digits: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Digits ``(N, 1, H, W)`` -> coloured images ``(N, 3, H, W)``: half with light strokes on a dark
    background, half the other way round."""
    n, _, height, width = digits.shape
    dark = _uniform(digits, generator, n, 1, 1, 1) < 0.5
    near, far = _uniform(digits, generator, n, 3, 1, 1), _uniform(digits, generator, n, 3, 1, 1)
    angle = _uniform(digits, generator, n, 1, 1, 1) * 2 * math.pi
    texture = _uniform(digits, generator, n, 3, TEXTURE_GRID, TEXTURE_GRID)
    ink = _uniform(digits, generator, n, 3, 1, 1)
    background = torch.lerp(_split(near, dark), _split(far, dark), _ramp(digits, angle))
    noise = F.interpolate(texture, size=(height, width), mode="bilinear", align_corners=False)
    background = background + TEXTURE * (noise - 0.5)
    background = torch.where(dark, background.clamp(0, 0.5), background.clamp(0.5, 1))
    return quantised(torch.lerp(background, _split(ink, ~dark), digits))


def on_texture(digits: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Digits ``(N, 1, H, W)`` -> ``(N, 3, H, W)``: light strokes over a dark background of one random
    colour with random stripes (period, angle, phase) and blocky noise."""
    n, _, height, width = digits.shape
    colour = 0.1 + 0.3 * _uniform(digits, generator, n, 3, 1, 1)
    angle = _uniform(digits, generator, n, 1, 1, 1) * math.pi
    period = 3 + 6 * _uniform(digits, generator, n, 1, 1, 1)
    phase = _uniform(digits, generator, n, 1, 1, 1) * 2 * math.pi
    blocks = _uniform(digits, generator, n, 1, TEXTURE_GRID, TEXTURE_GRID)
    ink = 0.75 + 0.25 * _uniform(digits, generator, n, 3, 1, 1)
    position = (_ramp(digits, angle) * 2 - 1) * max(height, width)
    stripes = 0.5 + 0.5 * torch.sin(2 * math.pi * position / period + phase)
    noise = F.interpolate(blocks, size=(height, width), mode="nearest")
    background = (colour * (0.6 + 0.25 * stripes + 0.3 * noise)).clamp(0, 0.5)
    return quantised(torch.lerp(background, ink, digits))


def grey(images: torch.Tensor) -> torch.Tensor:
    """Luma (ITU-R BT.601) of RGB images ``(N, 3, H, W)``: ``(N, 1, H, W)``."""
    weights = torch.tensor(LUMA, device=images.device, dtype=images.dtype).view(1, 3, 1, 1)
    return (images * weights).sum(1, keepdim=True)


def thin(digits: torch.Tensor) -> torch.Tensor:
    """Strokes thinned: each pixel the minimum of its 2x2 neighbourhood (grey erosion)."""
    return quantised(-F.max_pool2d(F.pad(-digits, (0, 1, 0, 1), mode="replicate"), 2, 1))


def thick(digits: torch.Tensor) -> torch.Tensor:
    """Strokes thickened: each pixel the maximum of its 3x3 neighbourhood (grey dilation)."""
    return quantised(F.max_pool2d(digits, 3, 1, 1))


def invert(digits: torch.Tensor) -> torch.Tensor:
    """Dark strokes on a light background."""
    return quantised(1.0 - digits)


def edges(images: torch.Tensor) -> torch.Tensor:
    """Sobel gradient magnitude of images ``(N, 1, H, W)`` (edges replicated at the border), scaled so that
    a sharp 0-to-1 step gives 1, clipped to ``[0, 1]``."""
    sobel = torch.tensor(SOBEL, device=images.device, dtype=images.dtype)
    kernels = torch.stack([sobel, sobel.T]).unsqueeze(1)
    gradients = F.conv2d(F.pad(images, (1, 1, 1, 1), mode="replicate"), kernels)
    return quantised(gradients.square().sum(1, keepdim=True).sqrt() / 4.0)
