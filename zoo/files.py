"""Writing files so that a reader, or a kill, never meets half of one."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable


def replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then rename it over ``path``.

    Readers see the old file or the new one; a failed write leaves no temporary file.
    """
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """``path.write_bytes(data)``, replacing ``path`` in one step."""
    replace_atomically(path, lambda tmp: tmp.write_bytes(data))
