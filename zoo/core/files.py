"""Writing files so that a reader, a kill or a full disk never leaves half of one."""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, TypeVar

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


class NotARegularFile(ZooError):
    """A file the zoo reads or publishes is a symbolic link, a FIFO, a device or a folder."""


def open_regular(path: Path, *, follow_links: bool = False) -> BinaryIO:
    """Open ``path`` for reading, refusing what is not a regular file: never blocks on a FIFO, and
    does not follow a symbolic link unless ``follow_links``."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (not follow_links and path.is_symlink()):
            raise NotARegularFile(f"{path} is a symbolic link; a run or model folder's files must be its own, "
                                  "so copy the file there instead of linking it") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotARegularFile(f"{path} is not a regular file (a FIFO, device or folder); it was not read")
    return os.fdopen(fd, "rb")


def refuse_links(folder: Path, names: Iterable[str]) -> None:
    """Refuse a folder where any of ``names`` is a symbolic link (which writing or copying would follow)."""
    for name in names:
        if (folder / name).is_symlink():
            raise NotARegularFile(
                f"{folder / name} is a symbolic link; a run folder's files must be its own: remove the link "
                "(or train into another --out folder)"
            )


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
