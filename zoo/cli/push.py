"""``zoo push``: upload an exported hub folder with ``huggingface_hub``."""
from __future__ import annotations

import argparse
from pathlib import Path

NAME = "push"
HELP = "upload an exported hub folder to a hub (HF_ENDPOINT, HF_TOKEN)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="folder written by zoo export")
    parser.add_argument("--repo", required=True, help="hub repo id, owner/name")
    parser.add_argument("--private", action="store_true", help="create the repo private")
    parser.add_argument("--message", default=None, help="commit message")


def run(args: argparse.Namespace) -> int:
    from zoo.release.push import push_folder

    pushed = push_folder(args.folder, args.repo, private=args.private, message=args.message)
    print(f"pushed {args.folder} to {pushed.url} at commit {pushed.revision}")
    if pushed.catalog is not None:
        print(f"pinned commit {pushed.revision} in {pushed.catalog}")
    else:
        print(f'pin it in registry.toml: [models.NAME.hub] repo = "{args.repo}", revision = "{pushed.revision}"')
    return 0
