"""The progress picture of a run (progress.png), drawn with Pillow from its per-epoch log.

Three panels side by side, one point per epoch: the classes the classifier
finds among a fixed-seed batch of samples, KL of their class histogram to
uniform, and the fraction classified with confidence. A run whose log has none
of these (a model of another dataset, a classifier) gets no picture.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from zoo.evaluate.charts import ticks
from zoo.train.lossplot import finite, save_png

PANELS = (  # log key, title, fixed y range (None: from the values)
    ("class_coverage", "classes covered (of 10)", (0.0, 10.0)),
    ("kl_to_uniform", "KL to uniform, nats (0: balanced)", None),
    ("confident_fraction", "confident fraction", (0.0, 1.0)),
)
PANEL_WIDTH, HEIGHT = 320, 300
LEFT, RIGHT, TOP, BOTTOM = 50, 16, 56, 44
COLOUR = "#1f77b4"


def plot_progress(epochs: Sequence[dict[str, Any]], path: Path, title: str) -> bool:
    """Draw the panels from per-epoch records; returns False (and writes nothing) when none was measured."""
    series = {key: [(r["epoch"], r[key]) for r in epochs if finite(r.get(key))] for key, _, _ in PANELS}
    if not any(series.values()):
        return False
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (PANEL_WIDTH * len(PANELS), HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    draw.text((LEFT, 10), title, fill="black", font=font)
    last = max(epoch for points in series.values() for epoch, _ in points)
    x_ticks = ticks(0.0, max(last, 1.0), count=min(6, int(last) + 1))
    for index, (key, label, fixed) in enumerate(PANELS):
        values = [v for _, v in series[key]]
        low, high = fixed or (0.0, max(values, default=0.0) or 1.0)
        y_ticks = ticks(low, high, count=6)
        box = (PANEL_WIDTH * index + LEFT, TOP, PANEL_WIDTH * (index + 1) - RIGHT, HEIGHT - BOTTOM)

        def to_pixel(x: float, y: float) -> tuple[float, float]:
            px = box[0] + (box[2] - box[0]) * x / x_ticks[-1]
            py = box[3] - (box[3] - box[1]) * (y - y_ticks[0]) / (y_ticks[-1] - y_ticks[0])
            return px, py

        draw.text((box[0], TOP - 18), label, fill="black", font=font)
        for y in y_ticks:
            _, py = to_pixel(0, y)
            draw.line([(box[0], py), (box[2], py)], fill="#e6e6e6")
            draw.text((box[0] - 44, py - 6), f"{y:.3g}", fill="black", font=font)
        for x in x_ticks:
            px, _ = to_pixel(x, y_ticks[0])
            draw.text((px - 4, box[3] + 6), f"{x:g}", fill="black", font=font)
        draw.rectangle(box, outline="black")
        draw.text(((box[0] + box[2]) // 2 - 15, HEIGHT - 20), "epoch", fill="black", font=font)
        points = [to_pixel(x, y) for x, y in series[key]]
        if len(points) > 1:
            draw.line(points, fill=COLOUR, width=2)
        for px, py in points:
            draw.ellipse([(px - 3, py - 3), (px + 3, py + 3)], fill=COLOUR)
    save_png(image, path)
    return True
