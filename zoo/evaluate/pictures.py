"""Bench pictures: one labelled strip of samples per row, and per-row sample grids."""
from __future__ import annotations

import io
from typing import Sequence

import torch
from PIL import Image, ImageDraw, ImageFont

STRIP = 10  # images per row of the side-by-side picture
SCALE = 2  # pixel repeat, so 28x28 digits stay legible
PAD = 2
FONT_SIZE = 16


def _font() -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=FONT_SIZE)
    except TypeError:  # Pillow < 10.1 has only the fixed-size bitmap font
        return ImageFont.load_default()


def _tiles(images: torch.Tensor, nrow: int) -> Image.Image:
    from torchvision.transforms.functional import to_pil_image
    from torchvision.utils import make_grid

    big = images.float().repeat_interleave(SCALE, dim=2).repeat_interleave(SCALE, dim=3)
    return to_pil_image(make_grid(big, nrow=nrow, padding=PAD, pad_value=1.0)).convert("RGB")


def side_by_side(rows: Sequence[tuple[str, torch.Tensor]], per_row: int = STRIP) -> Image.Image:
    """The first ``per_row`` images of each ``(name, images)`` row, with the name on the left."""
    font = _font()
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    label_width = max(int(draw.textlength(name, font=font)) for name, _ in rows) + 4 * PAD
    strips = [_tiles(images[:per_row], per_row) for _, images in rows]
    height = max(strip.height for strip in strips) - PAD
    width = label_width + max(strip.width for strip in strips)
    canvas = Image.new("RGB", (width, height * len(rows) + PAD), "white")
    draw = ImageDraw.Draw(canvas)
    for i, ((name, _), strip) in enumerate(zip(rows, strips)):
        top = i * height
        canvas.paste(strip, (label_width, top))
        box = draw.textbbox((0, 0), name, font=font)
        draw.text((2 * PAD, top + (height - box[3] - box[1]) // 2), name, fill="black", font=font)
    return canvas


def grid(images: torch.Tensor, nrow: int = 8) -> Image.Image:
    """Images in a square-ish grid."""
    return _tiles(images, nrow)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
