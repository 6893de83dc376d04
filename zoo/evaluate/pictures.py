"""Bench pictures: a labelled strip of samples per row (in a titled block per dataset), and per-row sample grids."""
from __future__ import annotations

import io
from typing import Sequence

import torch
from PIL import Image, ImageDraw, ImageFont

from zoo.core.grid import make_grid, to_image

STRIP = 10  # images per row of the side-by-side picture
SCALE = 2  # pixel repeat, so 28x28 digits stay legible
PAD = 2
FONT_SIZE = 16
TITLE = 2 * FONT_SIZE + 4 * PAD  # height of a block's title band
RULE = (128, 128, 128)


def _font() -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=FONT_SIZE)
    except TypeError:  # Pillow < 10.1 has only the fixed-size bitmap font
        return ImageFont.load_default()


def _tiles(images: torch.Tensor, nrow: int) -> Image.Image:
    big = images.float().repeat_interleave(SCALE, dim=2).repeat_interleave(SCALE, dim=3)
    return to_image(make_grid(big, nrow=nrow, padding=PAD, pad_value=1.0)).convert("RGB")


def _label_width(names: Sequence[str], font: ImageFont.ImageFont) -> int:
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    return max(int(draw.textlength(name, font=font)) for name in names) + 4 * PAD


def side_by_side(rows: Sequence[tuple[str, torch.Tensor]], per_row: int = STRIP,
                 label_width: int | None = None) -> Image.Image:
    """The first ``per_row`` images of each ``(name, images)`` row, with the name on the left
    (in ``label_width`` pixels: by default the longest name's)."""
    font = _font()
    label_width = label_width or _label_width([name for name, _ in rows], font)
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


def titled_blocks(blocks: Sequence[tuple[str, Sequence[tuple[str, torch.Tensor]]]],
                  per_row: int = STRIP) -> Image.Image:
    """A side-by-side block per ``(title, rows)``, one under another, each below its title on a band of its own
    (a rule above it); the strips of every block start at the same column."""
    font = _font()
    label_width = _label_width([name for _, rows in blocks for name, _ in rows], font)
    pictures = [side_by_side(rows, per_row, label_width) for _, rows in blocks]
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    width = max(*(picture.width for picture in pictures),
                *(int(draw.textlength(title, font=font)) + 4 * PAD for title, _ in blocks))
    canvas = Image.new("RGB", (width, sum(TITLE + picture.height for picture in pictures)), "white")
    draw = ImageDraw.Draw(canvas)
    top = 0
    for (title, _), picture in zip(blocks, pictures):
        draw.line([(0, top + PAD), (width, top + PAD)], fill=RULE, width=PAD)
        box = draw.textbbox((0, 0), title, font=font)
        draw.text((2 * PAD, top + (TITLE - box[3] - box[1]) // 2 + PAD), title, fill="black", font=font)
        canvas.paste(picture, (0, top + TITLE))
        top += TITLE + picture.height
    return canvas


def grid(images: torch.Tensor, nrow: int = 8) -> Image.Image:
    """Images in a square-ish grid."""
    return _tiles(images, nrow)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
