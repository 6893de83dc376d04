"""Writing files so that a reader, a kill or a full disk never leaves half of one."""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from zoo.errors import ZooError

try:
    import fcntl
except ImportError:  # Windows: folders are not locked
    fcntl = None  # type: ignore[assignment]

TEMPORARY_SUFFIX = ".tmp"
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
T = TypeVar("T")


class DiskFull(ZooError):
    """The disk had no room left for a file; the file was left as it was."""


@contextlib.contextmanager
def refusing_full_disk(path: Path) -> Iterator[None]:
    """Turn a full disk while writing ``path`` into a ``DiskFull`` error that names it."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in DISK_FULL:
            raise
        raise DiskFull(f"the disk is full: {path} could not be written ({exc.strerror})") from exc


def temporary_path(path: Path) -> Path:
    """A name beside ``path`` that no other writer, in this process or another, uses."""
    return path.with_name(f"{path.name}.{os.getpid()}-{os.urandom(4).hex()}{TEMPORARY_SUFFIX}")


def remove_temporaries(folder: Path) -> None:
    """Delete temporary files that a killed writer left in ``folder`` (call it only while no one writes there)."""
    for leftover in folder.glob(f"*{TEMPORARY_SUFFIX}"):
        leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder`` itself inside the block, waiting for other holders.

    Writers that read a file, change it and replace it (a catalog) take this lock
    so that none of them loses another's change; no lock file is left behind.
    """
    if fcntl is None:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then rename it over ``path``.

    Readers see the old file or the new one; a failed write leaves no temporary
    file, and a full disk raises ``DiskFull``.
    """
    tmp = temporary_path(path)
    with refusing_full_disk(path):
        try:
            write(tmp)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """``path.write_bytes(data)``, replacing ``path`` in one step."""
    replace_atomically(path, lambda tmp: tmp.write_bytes(data))


def replace_folder_atomically(target: Path, fill: Callable[[Path], T]) -> T:
    """Let ``fill`` write a new folder beside ``target``, then rename it into place.

    An existing ``target`` is replaced only once the new folder is complete: a
    failure leaves ``target`` as it was and no half-written folder behind.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.new")
    staging.mkdir()
    try:
        result = fill(staging)
        if target.exists():
            old = staging.with_suffix(".old")
            os.replace(target, old)
            try:
                os.replace(staging, target)
            except BaseException:
                os.replace(old, target)
                raise
            shutil.rmtree(old)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result
