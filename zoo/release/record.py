"""``zoo bench --record``: each model's numbers into the catalog of the distribution that owns it,
and into the "Benchmark" section of its model card when that distribution ships the card beside it."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from zoo.evaluate.bench import BenchResult, Row
from zoo.hub.card import replace_section
from zoo.core.catalog import CatalogEntry, update_entries
from zoo.errors import CatalogError
from zoo.core.files import write_bytes_atomically
from zoo.core.naming import names_a_folder
from zoo.core.registry import get_registry
from zoo.evaluate.report import markdown_table
from zoo.core.homes import WEIGHTS_FOLDER

CARD_FILE = "README.md"
CARD_SECTION = "Benchmark"
SETTINGS_KEPT = ("command", "date", "samples", "seed", "batch_size", "device")


@dataclass(frozen=True)
class Recorded:
    """Where one model's numbers went (``catalog``, maybe ``card``), or why they could not (``problem``)."""

    name: str
    catalog: Path | None = None
    card: Path | None = None
    problem: str | None = None


def record(result: BenchResult) -> list[Recorded]:
    """Write every benched model's row into its owner's catalog (one write per catalog) and card."""
    registry = get_registry()
    outcomes: list[Recorded] = []
    owned: dict[Path, list[Row]] = {}
    for row in (row for row in result.rows if row.kind == "model"):
        source = registry.sources.get(row.name)
        if source is not None:
            owned.setdefault(source.path, []).append(row)
        elif names_a_folder(row.name):
            outcomes.append(Recorded(row.name, problem="a model folder has no catalog; export it first"))
        else:
            outcomes.append(Recorded(row.name, problem="no installed catalog has an entry for it (not published)"))
    for path, rows in owned.items():
        outcomes += _record_into(path, rows, result)
    return outcomes


def _record_into(path: Path, rows: list[Row], result: BenchResult) -> list[Recorded]:
    target = path.resolve()  # a catalog reached through a link is written where it lives
    settings = {key: result.settings[key] for key in SETTINGS_KEPT if key in result.settings}
    benches = {row.name: {**row.metrics, **settings} for row in rows}

    def with_benches(entries: Mapping[str, CatalogEntry]) -> list[CatalogEntry]:
        missing = sorted(name for name in benches if name not in entries)
        if missing:
            raise CatalogError(f"it has no entry for {', '.join(missing)} any more")
        return [replace(entries[name], bench=bench) for name, bench in benches.items()]

    try:  # the pins written back are the file's own, read under its lock, never a cached parse
        entries = update_entries(target, with_benches)
    except (OSError, CatalogError) as exc:
        return [Recorded(row.name, problem=f"cannot write {target}: {exc}") for row in rows]
    outcomes = []
    for row in rows:
        card = (path.parent / WEIGHTS_FOLDER / entries[row.name].pins.repo / CARD_FILE).resolve()
        own = result.of_dataset(row.dataset)  # the rows and settings of the dataset it was measured on
        floor = [real for real in own.rows if real.kind == "real"][:1]
        try:
            section = markdown_table(BenchResult(own.settings, [*floor, row]))
            text = replace_section(card.read_text(encoding="utf-8"), CARD_SECTION, section)
            write_bytes_atomically(card, text.encode("utf-8"))
        except OSError:
            card = None  # the distribution ships no card beside its catalog (or it cannot be written)
        outcomes.append(Recorded(row.name, catalog=target, card=card))
    return outcomes
