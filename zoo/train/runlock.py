"""Claiming a run folder: one training process writes into it at a time, and only into a run folder.

The lock is an ``flock`` on ``RUN/.train.lock``; the operating system drops it
when its process ends, so a run that crashed or was killed leaves no stale
lock. Where the platform has no ``flock`` (Windows) folders are not locked.
Before the lock is taken, a folder that is neither new, empty nor a run folder
is refused (training would overwrite its files), and so is a run folder whose
files are symbolic links (writing would follow them).
"""
from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path
from typing import Iterator

from zoo.core.files import refuse_links
from zoo.errors import ZooError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

LOCK_FILE = ".train.lock"
CHECKPOINTS = "checkpoints"
RUN_ENTRIES = (LOCK_FILE, CHECKPOINTS, "samples", "epochs", "config.json", "model.safetensors", "log.jsonl",
               "steps.jsonl", "losses.png", "progress.png")


class RunFolderBusy(ZooError):
    """Another process is training into the run folder."""


@contextlib.contextmanager
def run_lock(folder: Path) -> Iterator[None]:
    """Hold the lock on ``folder`` (created if missing) inside the block, or raise ``RunFolderBusy``."""
    check_claimable(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
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


def check_claimable(folder: Path) -> None:
    """Refuse ``folder`` as a run's ``--out`` unless it is missing, empty or a run folder without links."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise ZooError(f"{folder} is a file, not a folder; train into a new or empty --out folder")
    refuse_links(folder, RUN_ENTRIES)
    if (folder / LOCK_FILE).is_file() or (folder / CHECKPOINTS).is_dir() or not any(folder.iterdir()):
        return
    raise ZooError(
        f"{folder} is not empty and is not a run folder (it has no {LOCK_FILE} or {CHECKPOINTS}/), so training "
        "would overwrite its files; train into a new or empty --out folder"
    )


def _holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it down."""
    try:
        holder = path.read_text(encoding="utf-8").strip()
    except OSError:
        holder = ""
    return holder or "a process that has not said which"
