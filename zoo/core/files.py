"""Files of run, model and catalog folders: written so that a reader, a kill or a full disk never
sees half of one, replaced under a lock or in one swap, and read only when they are regular files."""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import sys
import threading
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, TypeVar

from zoo.errors import ZooError

try:
    import fcntl
except ImportError:  # Windows: folders are not locked
    fcntl = None  # type: ignore[assignment]

TEMPORARY_SUFFIX = ".tmp"
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
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


@contextlib.contextmanager
def terminated_as_exit() -> Iterator[None]:
    """Inside the block, SIGTERM raises ``SystemExit(143)`` where it would kill the process outright,
    so that ``finally`` blocks (removing a temporary file) run; a handler someone set is left alone."""
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


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
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        raise NotARegularFile(f"{path} is not a regular file (a FIFO or device); it was not read")
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
    with refusing_full_disk(path), terminated_as_exit():
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
    """Let ``fill`` write a new folder beside ``target``, then put it in ``target``'s place.

    An existing ``target`` (a folder, a file or a symbolic link, which is replaced,
    not followed) is swapped with the new folder in one step where the system can
    (Linux), so that no moment is without a ``target``; a failure leaves ``target``
    as it was, and neither the half-written folder nor the old entry stays behind.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.new")
    staging.mkdir()
    try:
        result = fill(staging)
        if not (target.exists() or target.is_symlink()):
            os.replace(staging, target)
        elif not exchange(staging, target):
            _replace_in_two_steps(staging, target)
    finally:
        _remove(staging)  # the old entry after a swap, the half-written folder after a failure
    return result


def exchange(first: Path, second: Path) -> bool:
    """Swap two entries of one file system in one step (Linux ``renameat2``); False where that cannot be done."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a file system that cannot exchange
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _replace_in_two_steps(new: Path, target: Path) -> None:
    """Where entries cannot be swapped: move ``target`` aside to ``new``'s name, then ``new`` into place."""
    moved = new.with_name(new.name + ".old")
    os.replace(target, moved)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(moved, target)
        raise
    os.replace(moved, new)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
