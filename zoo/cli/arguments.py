"""Argument types and options that several commands share, checked before any work is done."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from zoo.errors import ZooError

DATA_HELP = ("dataset root (default: $ZOO_DATA, else ./data, else ~/.cache/generative-zoo/data); "
             "`zoo --help` lists the datasets")


def positive_int(text: str) -> int:
    """A whole number above zero, for counts and sizes."""
    return at_least(1)(text)


def at_least(minimum: int) -> Callable[[str], int]:
    """An argument type: a whole number of at least ``minimum``."""
    what = "a positive whole number" if minimum == 1 else f"a whole number of at least {minimum}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return value

    return parse


def add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="model name or a model folder (a run folder of zoo train, a hub folder)")


def add_device(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    parser.add_argument("--device", default=default, help="cpu, cuda, cuda:1, ...")


def add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=None, metavar="DIR", help=DATA_HELP)


def add_output(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("-o", "--output", type=Path, default=Path(default), help=f"picture to write (default {default})")


def check_device(device: str) -> None:
    """Refuse a device that is not here, in one line, before anything is loaded or written."""
    from zoo.models.base import check_device as model_check

    try:
        model_check(device)
    except ValueError as exc:  # the model layer's check of this very argument
        raise ZooError(str(exc)) from None


def data_epilog() -> str:
    """Where datasets are looked for, and the registered datasets, for ``zoo --help``."""
    from zoo.core.registry import get_registry

    registry = get_registry()
    width = max((len(name) for name in registry.dataset_names()), default=0)
    rows = [f"  {name:<{width}}  {registry.dataset(name).summary}" for name in registry.dataset_names()]
    return "\n".join([
        "data: --data DIR, else $ZOO_DATA, else ./data, then ~/.cache/generative-zoo/data",
        "($XDG_CACHE_HOME/generative-zoo/data); a missing dataset is downloaded there when its",
        "loader can; one that is generated in code needs no files. Registered datasets:",
        *rows,
    ]) + "\n"
