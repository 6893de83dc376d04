"""``zoo search``: the zoo's models published on a hub, and the distribution each needs."""
from __future__ import annotations

import argparse
import sys

NAME = "search"
HELP = "list the zoo's models published on a hub and the distribution each needs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pattern", nargs="?", default=None, help="part of the repo id to look for")
    parser.add_argument("--endpoint", default=None, help="hub URL (default $HF_ENDPOINT, else the Hugging Face hub)")


def run(args: argparse.Namespace) -> int:
    from zoo.hub.search import search

    found = search(args.pattern, endpoint=args.endpoint)
    if not found:
        print(f"no published zoo model matches {args.pattern!r}" if args.pattern else "no published zoo models",
              file=sys.stderr)
        return 1
    rows = [("repo", "model", "distribution", "installed")]
    rows += [(p.repo, p.model, p.distribution, p.installed or f"no: pip install {p.distribution}") for p in found]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
    return 0
