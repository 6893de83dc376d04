"""Checking where a command will write, before it does any work."""
from __future__ import annotations

import errno
import tempfile
from pathlib import Path

from zoo.errors import ZooError

NOT_WRITABLE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


def writable_output(path: Path) -> Path:
    """``path`` once its folder exists (created if needed) and takes new files; else a one-line ``ZooError``."""
    path = Path(path)
    try:
        if path.is_symlink():
            raise ZooError(f"cannot write {path}: it is a symbolic link, and writing would follow it; remove it "
                           "or give another name")
        if path.is_dir():
            raise ZooError(f"cannot write {path}: it is a folder; give a file name, such as {path / 'out.png'}")
        blocker = next((parent for parent in reversed(path.parents) if parent.exists() and not parent.is_dir()), None)
        if blocker is not None:
            raise ZooError(f"cannot write {path}: {blocker} is a file, not a folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as exc:
        if exc.errno in NOT_WRITABLE:
            folder = next(parent for parent in path.parents if parent.exists())
            raise ZooError(f"cannot write {path}: the folder {folder} is not writable ({exc.strerror})") from None
        raise ZooError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
