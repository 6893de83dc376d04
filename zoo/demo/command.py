"""``zoo demo``: its command-line options, and running the server until Ctrl-C.

Shaped like the modules of ``zoo.cli``: ``NAME``, ``HELP``, ``add_arguments`` and ``run``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

NAME = "demo"
HELP = "a local web page to play with every installed model (offline, 127.0.0.1 only)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=_port, default=8765, metavar="N", help="port on 127.0.0.1 (default 8765; 0: any free port)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the page in a web browser")
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="dataset root in torchvision layout, for the quiz's real images (default: $ZOO_DATA, "
                             "else ./data, then the user's cache)")


def run(args: argparse.Namespace) -> int:
    """Serve the demo until interrupted; a port that is taken is one line and status 2."""
    from zoo.demo.server import serve

    try:
        server = serve(args.data, args.port)
    except OSError as exc:
        print(f"zoo demo: error: cannot listen on 127.0.0.1:{args.port} ({exc.strerror or exc}); "
              "pick another port with --port, or --port 0 for any free one", file=sys.stderr)
        return 2
    print(f"zoo demo: serving {server.url} (Ctrl-C stops it)", flush=True)
    if not args.no_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("zoo demo: stopped", file=sys.stderr)
    finally:
        server.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m zoo.demo [--port N] [--no-browser] [--data DIR]``."""
    parser = argparse.ArgumentParser(prog="zoo demo", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {value}")
    return value
