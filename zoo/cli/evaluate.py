"""``zoo evaluate``: measure a model (or a run folder) on its dataset."""
from __future__ import annotations

import argparse
import json

from zoo.cli.arguments import add_data, add_model

NAME = "evaluate"
HELP = "measure sample quality (or accuracy) of a model on its dataset"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model(parser)
    add_data(parser)


def run(args: argparse.Namespace) -> int:
    import contextlib

    from zoo.cli.progress import watched_sampling
    from zoo.evaluate.reference import evaluate_model
    from zoo.hub.load import load
    from zoo.models.base import GenerativeModel

    model = load(args.name)
    watched = isinstance(model, GenerativeModel)
    with watched_sampling(model, f"sampling {args.name}") if watched else contextlib.nullcontext():
        metrics = evaluate_model(model, args.data)
    print(json.dumps(metrics, indent=2))
    return 0
