"""``zoo list``: the models the installed plugins provide."""
from __future__ import annotations

import argparse
import sys

NAME = "list"
HELP = "list models (fnmatch wildcards allowed)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pattern", nargs="?", default=None)


def short_reference(paper: str) -> str:
    """``arXiv:ID`` for an arXiv link, else the link itself."""
    for prefix in ("https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/"):
        if paper.startswith(prefix):
            return "arXiv:" + paper[len(prefix):].removesuffix(".pdf")
    return paper


def run(args: argparse.Namespace) -> int:
    from zoo.core.registry import get_registry

    registry = get_registry()
    names = registry.names(args.pattern)
    if not names:
        print(f"no model matches {args.pattern!r}" if args.pattern else
              "no models are registered; check ZOO_LOAD_PLUGINS / ZOO_DISABLE_PLUGINS (zoo plugins lists them)",
              file=sys.stderr)
        return 1
    width = max(len(n) for n in names)
    for name in names:
        spec = registry.specs[name]
        weights = "pretrained" if spec.pins else "-"
        paper = f" [{short_reference(spec.paper)}]" if spec.paper else ""
        print(f"{name:<{width}}  {spec.family:<14} {weights:<10}  {spec.summary}{paper}")
    return 0
