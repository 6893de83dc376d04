"""The ``zoo`` command line: the commands, one module each, and what becomes a one-line error.

Each command module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> exit status``, and imports what it needs when it runs, so that
``zoo list`` stays free of torch. A user error -- a :class:`~zoo.errors.ZooError`,
an argument the parser refuses, a file the system refuses -- prints one line
and exits with status 2; any other exception is a bug and keeps its traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from types import ModuleType
from typing import Sequence

from zoo.cli import (
    bench, download, evaluate, export, info, interpolate, listing, new_plugin, plugins, push, reconstruct, sample,
    search, train, traverse,
)
from zoo.cli.arguments import check_device, data_epilog
from zoo.core.plugins import warnings_as_lines
from zoo.core.streams import clean_stdout
from zoo.demo import command as demo
from zoo.errors import ZooError

COMMANDS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (listing, info, sample, download, train, evaluate, bench, export, interpolate, traverse, reconstruct,
                   search, push, plugins, new_plugin, demo)
}


class ZooParser(argparse.ArgumentParser):
    """The top-level parser; its help ends with where data is looked for and the registered datasets."""

    def format_help(self) -> str:
        return super().format_help() + "\n" + data_epilog()


def build_parser() -> argparse.ArgumentParser:
    parser = ZooParser(prog="zoo", description="A zoo of generative models with pretrained weights.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.invocation = " ".join(["zoo", *argv])
    try:
        with warnings_as_lines():
            if getattr(args, "device", None) is not None:
                check_device(args.device)
            with clean_stdout(getattr(args, "json", False)):  # plugins' output cannot corrupt the JSON
                code = COMMANDS[args.command].run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except ZooError as exc:
        print(f"zoo {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (zoo info NAME | head -1)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit stays quiet
        return 141  # 128 + SIGPIPE, as for other programs in a pipe
    except OSError as exc:
        print(f"zoo {args.command}: error: {_os_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _os_error(exc: OSError) -> str:
    """An error of the operating system in one line that names the file."""
    if exc.filename is None:
        return str(exc)
    files = f"{exc.filename} -> {exc.filename2}" if exc.filename2 is not None else str(exc.filename)
    return f"{files}: {exc.strerror or exc}"
