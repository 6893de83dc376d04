"""``zoo info``: a model's spec, pins, metrics and bench numbers, or what a run folder holds, as JSON."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

NAME = "info"
HELP = "show a model's spec, weights and metrics, or a run folder's model and training record, as JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="model name, or a model folder (a run folder of zoo train, a hub folder)")


def run(args: argparse.Namespace) -> int:
    from zoo.core.naming import names_a_folder
    from zoo.models.describe import describe
    from zoo.hub.load import registered_spec

    if names_a_folder(args.name):
        info = describe_folder(Path(args.name))
    else:
        registered_spec(args.name)  # an unknown name that is a folder here gets a hint to pass it as a path
        info = describe(args.name)
    print(json.dumps(info, indent=2))
    return 0


def describe_folder(folder: Path) -> dict[str, Any]:
    """The model a folder holds (loaded, so its files are checked) and the record of its training."""
    from zoo.hub.load import load, read_folder_config
    from zoo.models.describe import model_facts
    from zoo.train.trainer import CHECKPOINT

    model = load(folder)
    saved = read_folder_config(folder)
    return {
        "folder": str(folder.resolve()),
        **model_facts(model.spec, model),
        "config": saved["config"],
        "training": saved.get("training", {}),
        "resumable": (folder / CHECKPOINT).is_file(),
    }
