"""Bench results as terminal tables (compact or wide), Markdown, CSV, JSON, a PNG and a self-contained HTML page.

A bench of several datasets is reported dataset by dataset: every table, the
picture and the page have a section per dataset (its heading names the dataset
and its evaluation network; then its calibration rows, models and charts), and
the CSV and JSON rows name their dataset. Numbers of two datasets are never
compared in one table or chart.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from zoo.evaluate.bench import DATASETS, BenchResult, Row
from zoo.evaluate.charts import FAMILY_COLOURS, REAL, charts
from zoo.evaluate.quality import CONFIDENCE
from zoo.evaluate.pictures import STRIP, grid, png_bytes, side_by_side, titled_blocks


def _fixed(digits: int) -> Callable[[Any], str]:
    return lambda value: f"{value:.{digits}f}"


def _count(value: int) -> str:
    return f"{value / 1e6:.2f}M" if value >= 1e6 else f"{value / 1e3:.0f}k"


def _size(value: int) -> str:
    return f"{value / 2**20:.1f} MiB" if value >= 2**20 else f"{value / 2**10:.0f} KiB"


@dataclass(frozen=True)
class Column:
    """A table column: the metric keys it shows (the first present), title, format, meaning."""

    keys: tuple[str, ...]
    title: str
    format: Callable[[Any], str]
    help: str

    def cell(self, metrics: dict[str, Any]) -> str | None:
        for key in self.keys:
            if key in metrics:
                return self.format(metrics[key])
        return None


COLUMNS = (
    Column(("fid",), "FID", _fixed(2),
           "Frechet distance of Gaussians fitted to the evaluation network's features, row vs test set "
           "(lower is better)"),
    Column(("kid",), "KID", lambda v: f"{v:.4g}",
           "kernel distance: unbiased MMD^2 of the same features, cubic polynomial kernel (lower is better)"),
    Column(("precision",), "precision", _fixed(3),
           "fraction of samples inside the k-NN manifold of the test set's features (fidelity)"),
    Column(("recall",), "recall", _fixed(3),
           "fraction of test images inside the k-NN manifold of the samples' features (diversity)"),
    Column(("class_coverage",), "classes", str,
           "classes predicted at least once (mode collapse: fewer than the dataset has)"),
    Column(("kl_to_uniform",), "KL unif", _fixed(3), "KL(predicted-class histogram || uniform) in nats (0: balanced)"),
    Column(("confident_fraction",), "confident", _fixed(3), f"fraction classified with probability above {CONFIDENCE}"),
    Column(("label_accuracy",), "label acc", _fixed(3),
           "fraction classified as their label: the class asked for (conditional models), the true one (real rows)"),
    Column(("translation_label_accuracy", "cycle_label_accuracy"), "transl acc", _fixed(3),
           "fraction of translated test images classified as the class they started as (cycle: there and back)"),
    Column(("kept",), "kept", _fixed(3),
           "translations: fraction of translate(inputs_from(test images)) classified as the test image's label"),
    Column(("kept_baseline",), "kept base", _fixed(3),
           "the same for the inputs themselves, brought to the images' shape (the translation that does nothing)"),
    Column(("recon_mse",), "recon MSE", _fixed(4), "test reconstruction error, mean squared per pixel"),
    Column(("elbo",), "ELBO", _fixed(1), "test evidence lower bound, nats per image (binarised images)"),
    Column(("nll", "nll_is"), "NLL", _fixed(1),
           "test negative log-likelihood, nats per image (importance sampled where estimated)"),
    Column(("bits_per_dim",), "bits/dim", _fixed(3), "the NLL in bits per pixel"),
    Column(("images_per_s",), "img/s", _fixed(0), "sampling throughput at the stated batch size and device"),
    Column(("load_cold_s",), "load cold s", _fixed(2), "zoo.load in a fresh Python process"),
    Column(("load_warm_s",), "load warm s", _fixed(3), "zoo.load again in the same process (median of 3)"),
    Column(("parameters",), "params", _count, "parameters of the network that samples"),
    Column(("weights_bytes",), "weights", _size, "size of its model.safetensors"),
)


QUOTED_NOTE = "Rows marked quoted are test NLLs from the papers' tables, for comparison; they were not measured here."


def row_label(row: Row) -> str:
    """A row's name, marked when its numbers are quoted from a paper."""
    return f"{row.name}, quoted" if row.kind == "quoted" else row.name


def quoted_note(result: BenchResult) -> str:
    """The sentence that says which rows were not measured, if any."""
    return f" {QUOTED_NOTE}" if any(row.kind == "quoted" for row in result.rows) else ""


def shown_columns(result: BenchResult) -> list[Column]:
    """The columns at least one row has a value for."""
    return [c for c in COLUMNS if any(c.cell(row.metrics) is not None for row in result.rows)]


def cells(result: BenchResult, missing: str = "-") -> tuple[list[str], list[list[str]]]:
    """Header and body of the bench table as text cells."""
    columns = shown_columns(result)
    header = ["model", "family", *(c.title for c in columns)]
    body = [[row_label(row), row.family, *(c.cell(row.metrics) or missing for c in columns)] for row in result.rows]
    return header, body


def summary(settings: dict[str, Any]) -> str:
    """How the numbers were measured, in one sentence (of a bench of several datasets: what their sections share)."""
    judged = (
        ", each dataset's rows against its own test split, on features of its own evaluation network "
        "(named in its section)"
        if DATASETS in settings else
        f" against the {settings['reference']}, on features of {settings['feature_network']}; "
        f"KID over {settings['kid']}, precision/recall with {settings['precision_recall']}"
    )
    return (
        f"{settings['samples']} samples per row (seed {settings['seed']}){judged}; "
        f"img/s at batch size {settings['batch_size']} on {settings['device']}; torch {settings['torch']}; "
        f"{settings['date']}"
    )


def sections(result: BenchResult) -> list[BenchResult]:
    """One part per dataset, each with its own rows and settings; a bench of one dataset is one part, itself."""
    datasets = result.datasets()
    return [result.of_dataset(dataset) for dataset in datasets] if len(datasets) > 1 else [result]


def heading(part: BenchResult) -> str:
    """A dataset's section heading: the dataset and its evaluation network."""
    dataset = part.rows[0].dataset
    network = part.settings.get("feature_network")
    return f"{dataset}: evaluation network {network}" if network else dataset


def judged_against(part: BenchResult) -> str:
    """The sentence under a dataset's section: what its rows were measured against."""
    settings = part.settings
    if "reference" not in settings:
        return ""
    return (f"Against the {settings['reference']}; KID over {settings['kid']}, "
            f"precision/recall with {settings['precision_recall']}.")


COMPACT = ("fid", "precision", "recall", "class_coverage", "confident_fraction")
EXTRAS = (  # a family's main number of its own, first present wins
    ("label_accuracy", "label acc", _fixed(3)),
    ("kept", "kept", _fixed(3)),
    ("translation_label_accuracy", "label acc", _fixed(3)),
    ("cycle_label_accuracy", "cycle acc", _fixed(3)),
    ("nll", "NLL", _fixed(1)),
    ("nll_is", "NLL", _fixed(1)),
    ("recon_mse", "recon MSE", _fixed(4)),
)
EXTRA_NOTE = ("extra: label acc = classified as the label asked for or kept; kept = a translation of a test "
              "image's inputs classified as its label; cycle acc = kept there and back; "
              "NLL = test negative log-likelihood, nats per image; recon MSE = test reconstruction error per pixel")
MIN_NAME_WIDTH = 16


def extra(metrics: dict[str, Any]) -> str:
    """The row's main family number with its name (e.g. ``NLL 99.1``), or ``-``."""
    return next((f"{title} {format(metrics[key])}" for key, title, format in EXTRAS if key in metrics), "-")


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken after spaces and slashes where possible."""
    lines = [""]
    for piece in re.split(r"(?<=[ /])", text):
        while len(piece) > width:
            if lines[-1]:
                lines.append("")
            lines[-1], piece = piece[:width], piece[width:]
            lines.append("")
        if len(lines[-1]) + len(piece.rstrip()) > width:
            lines.append("")
        lines[-1] += piece
    return [line.rstrip() for line in lines if line.strip()] or [""]


def _aligned(header: list[str], body: list[list[str]], widths: list[int]) -> list[str]:
    """Lines of a table: text columns left-aligned, numbers right; a long first cell wraps onto more lines."""
    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in enumerate(zip(values, widths))).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths)]
    for values in body:
        wrapped = _wrap(values[0], widths[0])
        lines.append(line([wrapped[0], *values[1:]]))
        lines += [line([more] + [""] * (len(values) - 1)) for more in wrapped[1:]]
    return lines


def _section(part: BenchResult, table: list[str], several: bool, width: int | None = None) -> list[str]:
    """A table's lines and a blank one; in a bench of several datasets, under its dataset's heading and
    above what its rows were measured against (both wrapped at ``width``)."""
    if not several:
        return [*table, ""]

    def wrapped(text: str) -> list[str]:
        return textwrap.wrap(text, width, break_on_hyphens=False) if width else [text]

    return [*wrapped(heading(part)), "", *table, "", *wrapped(judged_against(part)), ""]


def text_table(result: BenchResult, width: int = 120) -> str:
    """The compact terminal table, at most ``width`` columns wide (model names wrap to fit):
    quality, coverage and the family's main number; quoted rows are marked in the family column.
    Several datasets: one table per dataset, under its heading, all with the same column widths."""
    columns = [c for key in COMPACT for c in COLUMNS if c.keys[0] == key]
    header = ["model", "family", *(c.title for c in columns), "extra"]
    parts = sections(result)
    bodies = [
        [[row.name, "quoted" if row.kind == "quoted" else row.family,
          *(c.cell(row.metrics) or "-" for c in columns), extra(row.metrics)] for row in part.rows]
        for part in parts
    ]
    widths = [max(len(line[i]) for line in [header, *(line for body in bodies for line in body)])
              for i in range(len(header))]
    room = width - sum(widths[1:]) - 2 * (len(widths) - 1)
    widths[0] = max(MIN_NAME_WIDTH, min(widths[0], room))
    tables = [line for part, body in zip(parts, bodies)
              for line in _section(part, _aligned(header, body, widths), len(parts) > 1, width)]
    notes = summary(result.settings) + "." + quoted_note(result)
    notes = [line for text in (EXTRA_NOTE, notes) for line in textwrap.wrap(text, width, break_on_hyphens=False)]
    return "\n".join([*tables, *notes]) + "\n"


def wide_table(result: BenchResult) -> str:
    """Every column of the bench as an aligned plain-text table (as wide as it needs); one per dataset."""
    parts = sections(result)
    tables = []
    for part in parts:
        header, body = cells(part)
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
        tables += _section(part, _aligned(header, body, widths), len(parts) > 1)
    return "\n".join([*tables, summary(result.settings) + "." + quoted_note(result)]) + "\n"


MARKDOWN_HEADING = "###"  # a dataset's section: docs/benchmarks.md shows the table under a "##" heading


def markdown_table(result: BenchResult) -> str:
    """A Markdown table with a line saying how and when it was measured; one per dataset, each under a heading."""
    parts = sections(result)
    tables = []
    for part in parts:
        header, body = cells(part)
        lines = ["| " + " | ".join(header) + " |", "|---|---|" + "---:|" * (len(header) - 2)]
        for line, row in zip(body, part.rows):
            name = f"`{line[0]}`" if row.kind == "model" else line[0]
            family = f"{line[1]} ([paper]({row.paper}))" if row.paper else line[1]
            lines.append("| " + " | ".join([name, family, *line[2:]]) + " |")
        if len(parts) > 1:
            lines = [f"{MARKDOWN_HEADING} {heading(part)}", "", *lines, "", judged_against(part)]
        tables.append("\n".join(lines))
    command = result.settings.get("command") or "zoo bench"
    return "\n\n".join(tables) + f"\n\nMeasured by `{command}`: {summary(result.settings)}.{quoted_note(result)}\n"


def _grouped(result: BenchResult) -> list[Row]:
    """The rows, dataset by dataset."""
    return [row for part in sections(result) for row in part.rows]


def _records(result: BenchResult) -> list[dict[str, Any]]:
    return [{"name": row.name, "kind": row.kind, "family": row.family, "paper": row.paper, "dataset": row.dataset,
             "metrics": row.metrics} for row in _grouped(result)]


def to_json(result: BenchResult) -> str:
    """The settings (of several datasets: each one's under ``datasets``) and the rows, dataset by dataset."""
    return json.dumps({"settings": result.settings, "rows": _records(result)}, indent=2) + "\n"


def to_csv(result: BenchResult) -> str:
    """One line per row, dataset by dataset: name, kind, family, dataset and every metric any row has."""
    keys = list(dict.fromkeys(key for row in result.rows for key in row.metrics))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "kind", "family", "dataset", *keys])
    for row in _grouped(result):
        writer.writerow([row.name, row.kind, row.family, row.dataset, *(row.metrics.get(key, "") for key in keys)])
    return out.getvalue()


def _strips(part: BenchResult) -> list[tuple[str, Any]]:
    """The ``(name, images)`` of the rows with images, for the side-by-side picture."""
    return [(row.name, row.images) for row in part.rows if len(row.images)]


def picture(result: BenchResult) -> bytes:
    """The side-by-side PNG: the first samples of every row with images, same seed; a block per dataset."""
    parts = sections(result)
    if len(parts) == 1:
        return png_bytes(side_by_side(_strips(result)))
    return png_bytes(titled_blocks([(heading(part), _strips(part)) for part in parts if _strips(part)]))


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { padding: 0.3em 0.6em; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
th { border-bottom: 2px solid #888; cursor: help; }
th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; }
tr.real td { color: #666; font-style: italic; }
tr.quoted td { color: #666; background: #f4f4f4; }
dl { font-size: 0.85em; } dt { font-weight: bold; float: left; clear: left; width: 8em; } dd { margin-left: 9em; }
.grids { display: flex; flex-wrap: wrap; gap: 1.5em; }
figure { margin: 0; } figcaption { font-size: 0.85em; text-align: center; }
.charts { display: flex; flex-wrap: wrap; gap: 2em 3em; align-items: flex-start; }
.key span { margin-right: 1.2em; white-space: nowrap; } .key b { font-size: 1.3em; }
section { border-top: 3px solid #888; margin-top: 2.5em; }
"""


def colour_key(result: BenchResult) -> str:
    """Which colour stands for which family in the charts (real data: grey)."""
    families = dict.fromkeys(row.family for row in result.rows if row.kind == "model")
    keys = [(family, FAMILY_COLOURS.get(family)) for family in families if family in FAMILY_COLOURS]
    keys.append(("real data", REAL))
    return "".join(f'<span><b style="color:{colour}">&#9679;</b> {html.escape(name)}</span>' for name, colour in keys)


def _settings_list(settings: dict[str, Any]) -> str:
    """The settings as a list; a dataset's own settings as a list inside it."""
    e = html.escape
    items = "".join(
        f"<li>{e(key)}: {_settings_list(value) if isinstance(value, dict) else e(str(value))}</li>"
        for key, value in settings.items()
    )
    return f"<ul>{items}</ul>"


def _dataset_html(part: BenchResult, level: int) -> str:
    """One dataset's charts, table, column meanings and pictures, under headings of ``level``."""
    e = html.escape
    h = f"h{level}"
    header, body = cells(part)
    helps = {c.title: c.help for c in COLUMNS}
    head = "".join(f'<th title="{e(helps.get(title, ""))}">{e(title)}</th>' for title in header)
    rows = "".join(
        f'<tr class="{row.kind}">' + "".join(f"<td>{e(cell)}</td>" for cell in line) + "</tr>"
        for line, row in zip(body, part.rows)
    )
    glossary = "".join(f"<dt>{e(c.title)}</dt><dd>{e(c.help)}</dd>" for c in shown_columns(part))
    figures = "".join(
        f'<figure><img src="{_data_uri(png_bytes(grid(row.images)))}" alt="{e(row.name)}">'
        f"<figcaption>{e(row.name)}</figcaption></figure>"
        for row in part.rows
        if len(row.images)
    )
    drawn = charts(part)
    chart_section = (f'<{h}>Charts</{h}><p class="key">{colour_key(part)}</p>'
                     f'<div class="charts">{"".join(drawn)}</div>' if drawn else "")
    strips = _strips(part)
    side = (f'<img src="{_data_uri(png_bytes(side_by_side(strips)))}" alt="side-by-side samples">' if strips else "")
    return f"""{chart_section}
<{h}>Table</{h}>
<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>
<dl>{glossary}</dl>
<{h}>Side by side</{h}>
<p>The first {STRIP} images of each row, seed {part.settings['seed']} (conditional models: labels 0, 1, 2, ...).</p>
{side}
<{h}>Samples</{h}>
<div class="grids">{figures}</div>
"""


def to_html(result: BenchResult) -> str:
    """A self-contained page: the charts, the table, what each column means, and every picture inlined;
    a section of them per dataset."""
    e = html.escape
    parts = sections(result)
    if len(parts) == 1:
        body = _dataset_html(result, 2)
    else:
        body = "".join(
            f"<section><h2>{e(heading(part))}</h2>\n<p>{e(judged_against(part))}</p>\n"
            f"{_dataset_html(part, 3)}</section>\n"
            for part in parts
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>zoo bench</title><style>{STYLE}</style></head>
<body>
<h1>zoo bench</h1>
<p>{e(summary(result.settings))}.{e(quoted_note(result))}</p>
{body}<h2>Settings</h2>
{_settings_list(result.settings)}
</body></html>
"""


def write_reports(result: BenchResult, folder: str | Path) -> list[Path]:
    """Write bench.json, .csv, .md, .png and .html into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    contents = {
        "bench.json": to_json(result).encode(),
        "bench.csv": to_csv(result).encode(),
        "bench.md": markdown_table(result).encode(),
        "bench.png": picture(result),
        "bench.html": to_html(result).encode(),
    }
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in contents]
