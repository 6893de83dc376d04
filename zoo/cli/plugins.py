"""``zoo plugins``: installed plugins, their distributions, models and load errors."""
from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoo.core.plugins import PluginInfo

NAME = "plugins"
HELP = "list installed plugins: distribution, version, models, load errors"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the list as JSON")


def run(args: argparse.Namespace) -> int:
    import warnings
    from dataclasses import asdict

    from zoo.core.plugins import PluginWarning
    from zoo.core.registry import get_registry
    from zoo.core.streams import emit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)  # the errors are listed below instead
        plugins = list(get_registry().plugins.plugins.values())
    if args.json:
        emit(json.dumps([asdict(info) for info in plugins], indent=2) + "\n")
    elif plugins:
        rows = [("plugin", "distribution", "version", "models")]
        rows += [(p.name, p.distribution, p.version, _registered(p)) for p in plugins]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
        for p in plugins:
            if p.error:
                print(f"\nerror: {p.describe_error()}")
    else:
        print("no plugins are loaded (see ZOO_LOAD_PLUGINS and ZOO_DISABLE_PLUGINS)", file=sys.stderr)
    return 1 if not plugins or any(p.error for p in plugins) else 0


def _registered(plugin: PluginInfo) -> str:
    """The models a plugin registers, then its datasets (``dataset NAME``), for the listing."""
    names = [*plugin.models, *(f"dataset {name}" for name in plugin.datasets)]
    return ", ".join(names) or ("FAILED" if plugin.error else "-")
