"""An exclusive lock on a run folder: one training process writes into it at a time.

The lock is an ``flock`` on ``RUN/.train.lock``; the operating system drops it
when its process ends, so a run that crashed or was killed leaves no stale
lock. Where the platform has no ``flock`` (Windows) folders are not locked.
"""
from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path
from typing import Iterator

from zoo.errors import ZooError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

LOCK_FILE = ".train.lock"


class RunFolderBusy(ZooError):
    """Another process is training into the run folder."""


@contextlib.contextmanager
def run_lock(folder: Path) -> Iterator[None]:
    """Hold the lock on ``folder`` (created if missing) inside the block, or raise ``RunFolderBusy``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RunFolderBusy(
                    f"{folder} is in use by another training run ({_holder(path)}); "
                    "wait for it to end, or train into another --out folder"
                ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"process {os.getpid()} on {socket.gethostname()}\n".encode())
        yield
    finally:
        os.close(fd)  # releases the lock


def _holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it down."""
    try:
        holder = path.read_text(encoding="utf-8").strip()
    except OSError:
        holder = ""
    return holder or "a process that has not said which"
