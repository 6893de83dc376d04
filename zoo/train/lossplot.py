"""The loss plot of a run (losses.png), drawn with Pillow.

Thin lines: the loss trace (means over short windows of steps), so that
oscillation shows; dots: the per-epoch means, in the middle of their epoch.
The x axis counts epochs.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

from zoo.core.files import replace_atomically
from zoo.evaluate.charts import ticks

WIDTH, HEIGHT = 900, 480
LEFT, RIGHT, TOP, BOTTOM = 70, 150, 40, 50
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def plot_losses(
    keys: Sequence[str],
    epochs: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    path: Path,
    title: str,
) -> None:
    """Draw ``keys`` from per-epoch records and step-trace records (both keyed by ``epoch``)."""
    from PIL import Image, ImageDraw, ImageFont

    points = {key: [(r["epoch"], r[key]) for r in steps if finite(r.get(key))] for key in keys}
    means = {key: [(r["epoch"] - 0.5, r[key]) for r in epochs if finite(r.get(key))] for key in keys}
    values = [v for series in (points, means) for pts in series.values() for _, v in pts]
    xs = [x for series in (points, means) for pts in series.values() for x, _ in pts]
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.text((LEFT, 12), title, fill="black", font=font)
    if not values:
        draw.text((LEFT, HEIGHT // 2), "no losses logged yet", fill="black", font=font)
        save_png(image, path)
        return
    y_ticks = ticks(min(values), max(values) if max(values) > min(values) else min(values) + 1)
    x_high = max(max(xs), 1.0)
    x_ticks = ticks(0.0, x_high, count=min(11, int(x_high) + 1))
    y_low, y_high = y_ticks[0], y_ticks[-1]
    x_range = x_ticks[-1]
    box = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)

    def to_pixel(x: float, y: float) -> tuple[float, float]:
        px = box[0] + (box[2] - box[0]) * x / x_range
        py = box[3] - (box[3] - box[1]) * (y - y_low) / (y_high - y_low)
        return px, py

    for y in y_ticks:
        _, py = to_pixel(0, y)
        draw.line([(box[0], py), (box[2], py)], fill="#e6e6e6")
        draw.text((8, py - 6), f"{y:.4g}", fill="black", font=font)
    for x in x_ticks:
        px, _ = to_pixel(x, y_low)
        draw.line([(px, box[1]), (px, box[3])], fill="#f0f0f0")
        draw.text((px - 8, box[3] + 6), f"{x:g}", fill="black", font=font)
    draw.rectangle(box, outline="black")
    draw.text(((box[0] + box[2]) // 2 - 15, HEIGHT - 20), "epoch", fill="black", font=font)
    for index, key in enumerate(keys):
        colour = COLOURS[index % len(COLOURS)]
        line = [to_pixel(x, y) for x, y in points[key]]
        if len(line) > 1:
            draw.line(line, fill=colour, width=1)
        for px, py in (to_pixel(x, y) for x, y in means[key]):
            draw.ellipse([(px - 3, py - 3), (px + 3, py + 3)], fill=colour)
        legend_y = TOP + 16 * index
        draw.line([(WIDTH - RIGHT + 12, legend_y + 6), (WIDTH - RIGHT + 32, legend_y + 6)], fill=colour, width=3)
        draw.text((WIDTH - RIGHT + 38, legend_y), key, fill="black", font=font)
    save_png(image, path)


def finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def save_png(image, path: Path) -> None:
    """Write ``image`` as a PNG by way of a temporary file, so that a reader never sees half of it
    and a failure (a full disk: ``DiskFull``) leaves nothing behind."""
    replace_atomically(path, lambda tmp: image.save(tmp, format="PNG"))
