"""``zoo bench``: models measured side by side; a table, a picture and an HTML report."""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from zoo.cli.arguments import add_data, positive_int
from zoo.errors import ZooError

if TYPE_CHECKING:
    from zoo.evaluate.bench import BenchResult
    from zoo.evaluate.reference import Reference

NAME = "bench"
HELP = "measure models side by side: quality, speed, size; table, PNG and HTML report"
FORMATS = ("json", "csv", "markdown", "wide")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*",
                        help="model names, fnmatch wildcards, model folders, or a run's kept epochs (RUN@3, RUN@1,5, RUN@all)")
    parser.add_argument("--all", action="store_true", help="every pretrained model that samples images")
    parser.add_argument("--dataset", default=None,
                        help="only models trained on this dataset (alone: every pretrained one of it)")
    parser.add_argument("-n", type=positive_int, default=10000, help="samples per model (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed of every model (default 0)")
    parser.add_argument("--batch-size", type=positive_int, default=1000, help="sampling batch size (default 1000)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1, ...")
    add_data(parser)
    parser.add_argument("-o", "--out", type=Path, default=Path("bench"),
                        help="folder for bench.json/.csv/.md/.png/.html (default ./bench)")
    parser.add_argument("--no-calibration", action="store_true", help="leave out the real and degraded real data rows")
    parser.add_argument("--record", action="store_true",
                        help="write each model's numbers into the catalog of the distribution that owns it, and its card")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--wide", action="store_true",
                       help="print every column (default: a compact table that fits the terminal)")
    shown.add_argument("--json", action="store_true", help="print JSON instead of the table")
    shown.add_argument("--csv", action="store_true", help="print CSV instead of the table")
    shown.add_argument("--markdown", action="store_true", help="print a Markdown table (for README and model cards)")


def run(args: argparse.Namespace) -> int:
    from zoo.core.streams import emit
    from zoo.evaluate import report
    from zoo.evaluate.bench import run_bench, select
    from zoo.train.snapshots import expand

    labels = dict(pair for name in args.names for pair in expand(name))
    targets, skipped = select(list(labels), args.all, args.dataset)
    for name, reason in skipped.items():
        print(f"zoo bench: skipping {name}: {reason}", file=sys.stderr)
    result = run_bench(
        targets, lambda dataset: _reference(dataset, args.data, args.n), n=args.n, seed=args.seed,
        device=args.device, batch_size=args.batch_size, calibration=not args.no_calibration, command=args.invocation,
    )
    for row in result.rows:
        row.name = labels.get(row.name, row.name)  # a run's snapshot shows as RUN@EPOCH
    paths = report.write_reports(result, args.out)
    unrecorded = _record(result) if args.record else 0
    printers = {"json": report.to_json, "csv": report.to_csv, "markdown": report.markdown_table,
                "wide": report.wide_table}
    chosen = next((name for name in FORMATS if getattr(args, name)), None)
    width = shutil.get_terminal_size((120, 24)).columns
    emit(printers[chosen](result) if chosen else report.text_table(result, width))
    print(f"wrote {', '.join(str(path) for path in paths)}", file=sys.stderr)
    return 1 if unrecorded else 0


def _reference(dataset: str, root: Path | None, n: int) -> Reference:
    """The dataset's real data, refused in one line when it has fewer training images than ``-n``
    (the calibration rows are that many of them)."""
    from zoo.evaluate.reference import load_reference

    reference = load_reference(dataset, root)
    if n > len(reference.train):
        raise ZooError(f"-n {n} is more than the {len(reference.train)} training images of {dataset} "
                       f"that the bench compares with; choose -n {len(reference.train)} or fewer")
    return reference


def _record(result: BenchResult) -> int:
    """Record the bench's numbers in their owners' catalogs, saying where; returns how many could not be."""
    from zoo.release.record import record

    failed = 0
    for outcome in record(result):
        if outcome.problem:
            failed += 1
            print(f"zoo bench: did not record {outcome.name}: {outcome.problem}", file=sys.stderr)
        else:
            card = f" and {outcome.card}" if outcome.card else ""
            print(f"zoo bench: recorded {outcome.name} in {outcome.catalog}{card}", file=sys.stderr)
    return failed
