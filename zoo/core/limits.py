"""Bounds on the sizes a command allocates or writes, checked before the work starts.

Each bound is documented in docs/limits.md; a request beyond one is a one-line
``ZooError`` that names the setting, its value and the bound.
"""
from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any, Sequence

from zoo.core.files import DiskFull
from zoo.errors import CatalogError, ZooError

MAX_SAMPLES = 10_000_000  # zoo sample -n, into a file of tensors
MAX_GRID_IMAGES = 4096  # zoo interpolate --rows x --steps: one picture held in memory
MAX_IMAGE_SIZE = 1024  # the side of square images a run trains on (zoo train --image-size)
MAX_CONFIG_BYTES = 1 << 20  # a model folder's config.json
MAX_CONFIG_DEPTH = 32  # nesting of lists and tables in a config.json
FLOAT32_BYTES = 4


def check_count(what: str, value: int, limit: int) -> None:
    """Refuse ``value`` of the setting ``what`` above ``limit``."""
    if value > limit:
        raise ZooError(f"{what} is {value}, more than the {limit} allowed (see docs/limits.md)")


def check_room(path: Path, size: int) -> None:
    """Refuse to start writing ``size`` bytes to ``path`` when its disk has less room than that."""
    folder = next(parent for parent in (path.parent, *path.parents) if parent.exists())
    free = shutil.disk_usage(folder).free
    if size > free:
        raise DiskFull(
            f"{path} would take {_gib(size)} GiB and its disk has {_gib(free)} GiB free; nothing was written: "
            "write fewer samples or to another disk"
        )


def tensor_bytes(count: int, image_shape: Sequence[int]) -> int:
    """The size of ``count`` float32 images of ``image_shape`` in a file of tensors (headers aside)."""
    return FLOAT32_BYTES * count * math.prod(image_shape)


def check_nesting(data: Any, where: Path) -> None:
    """Refuse JSON data nested deeper than ``MAX_CONFIG_DEPTH`` (walked without recursion)."""
    pending = [(data, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        if children and depth > MAX_CONFIG_DEPTH:
            raise CatalogError(f"{where} is nested more than {MAX_CONFIG_DEPTH} levels deep; it is not a zoo config")
        pending.extend((child, depth + 1) for child in children)


def _gib(size: int) -> str:
    return f"{size / 2**30:.1f}"
