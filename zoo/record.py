"""``zoo bench --record``: the bench's numbers into registry.toml and the bundled model cards."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .bench import BenchResult
from .card import replace_section
from .catalog import read_catalog, upsert_entries
from .files import write_bytes_atomically
from .report import markdown_table

CARD_FILE = "README.md"
CARD_SECTION = "Benchmark"
SETTINGS_KEPT = ("command", "date", "samples", "seed", "batch_size", "device")


def record(result: BenchResult, registry: Path, hub_root: Path) -> list[str]:
    """Write each benched model of ``registry`` into its ``bench`` table and into the
    "Benchmark" section of its card under ``hub_root`` (next to the floor row); returns their names."""
    entries = read_catalog(registry)
    settings = {key: result.settings[key] for key in SETTINGS_KEPT if key in result.settings}
    floor = [row for row in result.rows if row.kind == "real"][:1]
    rows = [row for row in result.rows if row.kind == "model" and row.name in entries]
    upsert_entries(registry, [replace(entries[row.name], bench={**row.metrics, **settings}) for row in rows])
    for row in rows:
        card = hub_root / entries[row.name].checkpoint.repo / CARD_FILE
        if card.is_file():
            section = markdown_table(BenchResult(result.settings, [*floor, row]))
            text = replace_section(card.read_text(encoding="utf-8"), CARD_SECTION, section)
            write_bytes_atomically(card, text.encode("utf-8"))
    return [row.name for row in rows]
