"""``zoo new-plugin``: scaffold a plugin package for a new model."""
from __future__ import annotations

import argparse
from pathlib import Path

NAME = "new-plugin"
HELP = "create a plugin package for a new model in a new folder zoo-NAME"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="plugin name: lowercase letters, digits, '-' or '_' (e.g. wgan)")
    parser.add_argument("--dir", type=Path, default=Path("."), help="where to create zoo-NAME (default: here)")
    parser.add_argument("--dataset", default=None,
                        help="the registered dataset the model trains on; it is named NAME-DATASET "
                             "(default: the dataset most pretrained models are trained on)")


def run(args: argparse.Namespace) -> int:
    from zoo.release.scaffold import new_plugin, substitutions

    folder = new_plugin(args.name, args.dir, dataset=args.dataset)
    print(f"created plugin {args.name!r} in {folder}:")
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        print(f"  {path}")
    model = substitutions(args.name, args.dataset)["model"]
    print(f"next:\n  pip install -e {folder}\n  zoo list {model}\n  pytest {folder}\n  zoo train {model} --epochs 1")
    return 0
