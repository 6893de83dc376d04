"""Keeping a command's machine-readable output (``--json``) clean of whatever plugins write.

Inside :func:`clean_stdout`, file descriptor 1 and ``sys.stdout`` point at
stderr, so that ``print``, ``os.write(1, ...)``, subprocesses and C code of
plugins and the builders they register all land there; :func:`emit` alone
writes to the real stdout. Handlers run at exit write to stderr too.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import sys
from typing import Iterator, TextIO

_real: list[tuple[TextIO, int]] = []  # the stdout (and a copy of its descriptor) of each active block


@contextlib.contextmanager
def clean_stdout(enabled: bool = True) -> Iterator[None]:
    """Send everything but :func:`emit` to stderr inside the block (nothing changes when not ``enabled``)."""
    if not enabled:
        yield
        return
    out = sys.stdout
    out.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    _real.append((out, saved))
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        _real.pop()
        sys.stderr.flush()
        os.dup2(saved, 1)
        os.close(saved)
        atexit.register(_stdout_to_stderr)  # runs before the exit handlers plugins registered earlier


def emit(text: str) -> None:
    """Write ``text`` to the command's real stdout (inside :func:`clean_stdout`), else to ``sys.stdout``."""
    if not _real:
        sys.stdout.write(text)
        return
    out, saved = _real[-1]
    sys.stderr.flush()
    os.dup2(saved, 1)
    try:
        out.write(text)
        out.flush()
    finally:
        os.dup2(2, 1)


def _stdout_to_stderr() -> None:
    sys.stdout.flush()
    os.dup2(2, 1)
