"""``zoo download``: fetch a model's pinned files into the cache and verify them."""
from __future__ import annotations

import argparse

from zoo.errors import ZooError

NAME = "download"
HELP = "fetch a model's pinned files into the cache and verify them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name")


def run(args: argparse.Namespace) -> int:
    from zoo.core.registry import get_registry
    from zoo.hub import resolve as hub

    checkpoint = get_registry().pinned(args.name)
    if checkpoint is None:
        raise ZooError(f"model {args.name!r} has no pretrained weights to download")
    for filename in checkpoint.files:
        found = hub.fetch(args.name, filename)
        print(f"{filename}: verified sha256, {found.path} (from {found.source})")
    return 0
