"""``zoo export``: a run folder to a hub folder with a model card and a catalog entry."""
from __future__ import annotations

import argparse
from pathlib import Path

from zoo.cli.arguments import DATA_HELP
from zoo.errors import ZooError

NAME = "export"
HELP = "turn a run folder into a hub folder with a model card and catalog entry"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--name", default=None, help="model name to publish the run as (default: from its config.json)")
    parser.add_argument("--out", type=Path, default=None, help="hub folder to write (default exports/REPO)")
    parser.add_argument("--into", type=Path, default=None, metavar="PLUGIN_DIR",
                        help="write the folder into the hub/ and the entry into the registry.toml of this plugin's package")
    parser.add_argument("--force", action="store_true", help="replace an existing hub folder")
    parser.add_argument("--repo", default=None,
                        help="hub repo id (default OWNER/NAME: generative-zoo for built-ins, else the plugin's distribution)")
    parser.add_argument("--data", type=Path, default=None, metavar="DIR", help=f"for the card's metrics: {DATA_HELP}")
    parser.add_argument("--no-metrics", action="store_true", help="skip measuring (no dataset needed)")
    parser.add_argument("--registry", type=Path, default=None, help="write the entry into this registry.toml")


def run(args: argparse.Namespace) -> int:
    from zoo.core.catalog import format_entry, upsert_entries
    from zoo.release.publish import export_run

    if args.into is not None and args.out is not None:
        raise ZooError("give --into PLUGIN_DIR or --out FOLDER, not both")
    exported = export_run(
        args.run_dir, args.out, repo=args.repo, data_root=args.data, with_metrics=not args.no_metrics,
        name=args.name, force=args.force, into=args.into, catalogued=args.registry is not None,
    )
    entry = exported.entry
    print(f"wrote a hub folder for {entry.name} to {exported.folder}")
    if exported.catalog is not None:
        print(f"updated {exported.catalog}")
    if args.registry:
        upsert_entries(args.registry.resolve(), [entry])
        print(f"updated {args.registry}")
    if exported.catalog is None and not args.registry:
        print(format_entry(entry))
    return 0
