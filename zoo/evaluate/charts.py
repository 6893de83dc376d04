"""The bench report's charts, written as inline SVG (no script, nothing fetched).

Two kinds of chart: a dot plot (one line per model, a dot at its value, dashed
reference lines for real data) and a scatter of precision against recall whose
points carry numbers explained in a legend beside it. A chart draws the rows of
one dataset (its numbers are never compared with another's) and names it. Every
piece of text is escaped, so a model folder named ``<script>`` stays text.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Callable, Sequence

from zoo.evaluate.bench import BenchResult, Row

FONT = 12
CHAR = 7.0  # a generous width of one character at FONT px, for placing text
ROW = 22
PLOT = 520  # width of a dot plot's value axis
WIDTH = 760
FAMILY_COLOURS = {"gan": "#1f77b4", "autoencoder": "#d62728", "translation": "#2ca02c",
                  "autoregressive": "#9467bd", "diffusion": "#ff7f0e", "flow": "#17becf", "classifier": "#8c564b"}
OTHER = "#e377c2"
REAL = "#777777"
NLL_KEYS = ("nll", "nll_is")
ACCURACIES = {"label_accuracy": "", "translation_label_accuracy": "translated",
              "cycle_label_accuracy": "cycle a2b2a", "b2a_label_accuracy": "b2a"}


@dataclass(frozen=True)
class Mark:
    """One line of a dot plot: a label, its value, a colour; hollow for numbers not measured here."""

    label: str
    value: float
    colour: str
    hollow: bool = False


@dataclass(frozen=True)
class Line:
    """A dashed reference line across a dot plot."""

    label: str
    value: float


@dataclass(frozen=True)
class Axis:
    """Maps values in ``[low, high]`` to pixels in ``[start, end]``, linearly or on a log scale."""

    low: float
    high: float
    start: float
    end: float
    log: bool = False

    def __call__(self, value: float) -> float:
        scale = math.log10 if self.log else float
        fraction = (scale(value) - scale(self.low)) / (scale(self.high) - scale(self.low))
        return self.start + fraction * (self.end - self.start)

    def ticks(self) -> list[float]:
        if not self.log:
            return [t for t in ticks(self.low, self.high) if self.low - 1e-9 <= t <= self.high + 1e-9]
        decades = range(round(math.log10(self.low)), round(math.log10(self.high)) + 1)
        steps = (1,) if len(decades) > 4 else (1, 2, 5)
        return [m * 10.0**d for d in decades for m in steps if self.low <= m * 10.0**d <= self.high]


def ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round tick values covering ``[low, high]``."""
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    return [first + i * step for i in range(int(math.ceil((high - first) / step)) + 1)]


def family_colour(row: Row) -> str:
    return REAL if row.kind == "real" else FAMILY_COLOURS.get(row.family, OTHER)


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = FONT, fill: str = "#222",
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}">{escape(text)}</text>')


def _svg(width: float, height: float, title: str, body: Sequence[str]) -> str:
    return (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" font-family="system-ui, sans-serif">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _title_width(title: str) -> float:
    """Room for a chart's title, drawn at 14 px from x=8."""
    return 24 + CHAR * 14 / FONT * len(title)


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}" if abs(value) < 1000 else f"{value:.0f}"


def _levels(spans: Sequence[tuple[float, float]], gap: float = 6.0) -> list[int]:
    """The first text row each horizontal span fits in without overlapping the spans already there."""
    taken: list[list[tuple[float, float]]] = []
    levels = []
    for left, right in spans:
        level = next((i for i, row in enumerate(taken)
                      if all(right + gap <= a or left >= b + gap for a, b in row)), len(taken))
        if level == len(taken):
            taken.append([])
        taken[level].append((left, right))
        levels.append(level)
    return levels


def dot_plot(title: str, axis_label: str, marks: Sequence[Mark], lines: Sequence[Line] = (), log: bool = False,
             fmt: Callable[[float], str] = _number) -> str:
    """One line per mark with a dot at its value; reference lines dashed, labelled above the plot."""
    values = [m.value for m in marks] + [line.value for line in lines]
    if log:
        low = 10.0 ** math.floor(math.log10(max(min(values), 1e-6)))
        high = 10.0 ** math.ceil(math.log10(max(values) * 1.0001))
    else:
        spread = max(values) - min(values) or abs(max(values)) or 1.0
        grid = ticks(min(values) - 0.05 * spread, max(values) + 0.05 * spread)
        low, high = grid[0], grid[-1]
    left = 16 + CHAR * max(len(m.label) for m in marks)
    axis = Axis(low, high, left, left + PLOT, log)
    placed = [(axis(line.value), f"{line.label} {fmt(line.value)}") for line in lines]
    spans = [(x - CHAR * len(text) / 2, x + CHAR * len(text) / 2) for x, text in placed]
    levels = _levels(spans)
    top = 36 + 16 * (max(levels) + 1 if levels else 0)
    bottom = top + ROW * len(marks)
    body = [_text(8, 18, title, size=14, weight="bold")]
    for tick in axis.ticks():
        x = axis(tick)
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#e6e6e6"/>')
        body.append(_text(x, bottom + 16, f"{tick:g}", anchor="middle", size=11))
    body.append(_text((axis.start + axis.end) / 2, bottom + 34, axis_label, anchor="middle"))
    for (x, text), level in zip(placed, levels):
        y = 42 + 16 * level
        body.append(f'<line x1="{x:.1f}" y1="{y + 3}" x2="{x:.1f}" y2="{bottom}" stroke="{REAL}" '
                    'stroke-dasharray="4 3"/>')
        body.append(_text(x, y, text, anchor="middle", size=11, fill="#555"))
    for index, mark in enumerate(marks):
        y = top + ROW * index + ROW / 2
        x = axis(mark.value)
        fill = "white" if mark.hollow else mark.colour
        body.append(_text(left - 8, y + 4, mark.label, anchor="end", fill="#555" if mark.hollow else "#222"))
        body.append(f'<line x1="{axis.start:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccc"/>')
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="{mark.colour}" '
                    'stroke-width="2"/>')
        body.append(_text(x + 9, y + 4, fmt(mark.value), size=11, fill="#555"))
    return _svg(max(WIDTH, left + PLOT + 60, _title_width(title)), bottom + 44, title, body)


def _label_spot(x: float, y: float, text: str, taken: list[tuple[float, float, float, float]]
                ) -> tuple[float, float, bool]:
    """Where a point's number goes: the nearest free spot around it (True when it needs a leader line)."""
    w, h = CHAR * len(text) * 11 / FONT, 11.0
    for distance in (8.0, 14.0, 22.0, 32.0, 44.0):
        for dx, dy in ((1, -1), (1, 1), (-1, -1), (-1, 1), (1, 0), (-1, 0), (0, -1), (0, 1)):
            cx, cy = x + dx * (distance + w / 2), y + dy * (distance + h / 2)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if all(box[2] <= a or box[0] >= c or box[3] <= b or box[1] >= d for a, b, c, d in taken):
                taken.append(box)
                return cx, cy, distance > 14.0
    taken.append((x + 8, y - h, x + 8 + w, y))
    return x + 8 + w / 2, y - h / 2, False


def scatter(title: str, rows: Sequence[Row], real: str = "real images") -> str:
    """Precision against recall, one numbered point per row; the numbers are explained beside the plot
    (``real``: what the real rows are, in the recall axis's label)."""
    size, left, top = 420.0, 56.0, 34.0
    x_axis = Axis(0.0, 1.0, left, left + size)
    y_axis = Axis(0.0, 1.0, top + size, top)
    body = [_text(8, 18, title, size=14, weight="bold")]
    for tick in x_axis.ticks():
        x, y = x_axis(tick), y_axis(tick)
        body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + size}" stroke="#e6e6e6"/>')
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + size}" y2="{y:.1f}" stroke="#e6e6e6"/>')
        body.append(_text(x, top + size + 16, f"{tick:g}", anchor="middle", size=11))
        body.append(_text(left - 6, y + 4, f"{tick:g}", anchor="end", size=11))
    body.append(f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="#888"/>')
    body.append(_text(left + size / 2, top + size + 34, f"recall: share of {real} the samples cover (diversity)",
                      anchor="middle"))
    body.append(f'<g transform="translate(16 {top + size / 2:.0f}) rotate(-90)">'
                + _text(0, 0, "precision: share of samples that look real (fidelity)", anchor="middle") + "</g>")
    points = [(x_axis(r.metrics["recall"]), y_axis(r.metrics["precision"])) for r in rows]
    taken = [(x - 6, y - 6, x + 6, y + 6) for x, y in points]
    for number, (row, (x, y)) in enumerate(zip(rows, points), 1):
        colour = family_colour(row)
        fill = "white" if row.kind == "real" else colour
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}" stroke="{colour}" stroke-width="2"/>')
        lx, ly, leader = _label_spot(x, y, str(number), taken)
        if leader:
            body.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{lx:.1f}" y2="{ly:.1f}" stroke="#bbb"/>')
        body.append(_text(lx, ly + 4, str(number), anchor="middle", size=11, fill=colour, weight="bold"))
    per_column = int(size // 17)
    columns = [rows[i:i + per_column] for i in range(0, len(rows), per_column)]
    legend_x = left + size + 24
    for c, column in enumerate(columns):
        width = 30 + CHAR * max(len(r.name) for r in column)
        for i, row in enumerate(column):
            y = top + 12 + 17 * i
            number = c * per_column + i + 1
            body.append(_text(legend_x + 18, y, str(number), anchor="end", size=11, fill=family_colour(row),
                              weight="bold"))
            body.append(_text(legend_x + 24, y, row.name, size=11))
        legend_x += width
    return _svg(max(legend_x + 8, WIDTH, _title_width(title)), top + size + 48, title, body)


def real_images(result: BenchResult, test: bool = False) -> str:
    """What the real rows of ``result`` are, naming their dataset: e.g. ``real shapes images``."""
    dataset = one_dataset(result)
    return " ".join(word for word in ("real", dataset, "test" if test else "", "images") if word)


def one_dataset(result: BenchResult) -> str:
    """The dataset every row of ``result`` was measured on ("" when unnamed); several are refused."""
    datasets = result.datasets()
    if len(datasets) > 1:
        raise ValueError(f"a chart draws one dataset's rows, not those of {', '.join(datasets)}: "
                         "chart each of result.of_dataset(name)")
    return datasets[0] if datasets else ""


def fid_chart(result: BenchResult) -> str | None:
    """FID of every model on a log axis, best first, with the real-data rows as reference lines."""
    models = sorted((r for r in result.rows if r.kind == "model" and r.metrics.get("fid", 0) > 0),
                    key=lambda r: r.metrics["fid"])
    if not models:
        return None
    lines = [Line(r.name.split(", ", 1)[-1], r.metrics["fid"]) for r in result.rows
             if r.kind == "real" and r.metrics.get("fid", 0) > 0]
    marks = [Mark(r.name, r.metrics["fid"], family_colour(r)) for r in models]
    return dot_plot(f"FID: distance from {real_images(result, test=True)} (lower is better)",
                    "FID on the feature network's features, log scale; dashed: real and degraded real images",
                    marks, lines, log=True)


def precision_recall_chart(result: BenchResult) -> str | None:
    """Precision against recall of the models, and of the real-data floor."""
    rows = [r for r in result.rows if r.kind in ("model", "real") and {"precision", "recall"} <= set(r.metrics)]
    floor = [r for r in rows if r.kind == "real"][:1]
    models = [r for r in rows if r.kind == "model"]
    if not models:
        return None
    real = real_images(result)
    return scatter(f"Precision against recall (up and right is better; hollow: {real})", floor + models, real)


def nll_chart(result: BenchResult) -> str | None:
    """Measured test NLLs beside the papers' quoted ones."""
    def nll(row: Row) -> float | None:
        return next((row.metrics[k] for k in NLL_KEYS if k in row.metrics), None)

    rows = sorted((r for r in result.rows if r.kind in ("model", "quoted") and nll(r) is not None), key=nll)
    if not any(r.kind == "model" for r in rows):
        return None
    marks = [Mark(r.name + (" (paper)" if r.kind == "quoted" else ""), nll(r), family_colour(r), r.kind == "quoted")
             for r in rows]
    dataset = one_dataset(result)
    return dot_plot(f"Test negative log-likelihood{' on ' + dataset if dataset else ''} "
                    "(lower is better; hollow: quoted from papers)",
                    "NLL, nats per image on binarised test images", marks)


def accuracy_chart(result: BenchResult) -> str | None:
    """Label accuracy of conditional and translation models, with the real images' as the reference."""
    marks = [
        Mark(f"{r.name} {what}".strip(), r.metrics[key], family_colour(r))
        for r in result.rows if r.kind == "model"
        for key, what in ACCURACIES.items() if key in r.metrics
    ]
    if not marks:
        return None
    lines = [Line(real_images(result), r.metrics["label_accuracy"]) for r in result.rows
             if r.kind == "real" and "label_accuracy" in r.metrics][:1]
    marks.sort(key=lambda m: -m.value)
    dataset = one_dataset(result)
    return dot_plot(f"Label accuracy{' on ' + dataset if dataset else ''}: classified as the class asked for "
                    "or kept (higher is better)",
                    "fraction of images the feature network classifies as their label", marks, lines,
                    fmt=lambda v: f"{v:.3f}")


def charts(result: BenchResult) -> list[str]:
    """Every chart the result has numbers for, as SVG elements (the rows of one dataset: see ``one_dataset``)."""
    one_dataset(result)
    drawn = (fid_chart(result), precision_recall_chart(result), nll_chart(result), accuracy_chart(result))
    return [chart for chart in drawn if chart is not None]
