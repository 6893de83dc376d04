"""Where datasets are read from: one lookup order.

1. the root given (``zoo ... --data DIR``, ``root=`` in Python): that folder only;
2. else ``$ZOO_DATA``: that folder only;
3. else ``./data``, then the user's cache, ``$XDG_CACHE_HOME/generative-zoo/data``
   (default ``~/.cache/generative-zoo/data``).

A root holds one folder per dataset (torchvision's layout: ``ROOT/NAME/raw``);
the dataset's own folder (``ROOT/NAME``) is accepted as the root too. A
dataset found in none of them is downloaded, where its loader can, into the
root given, or ``$ZOO_DATA``, or the user's cache.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from zoo.errors import ZooError

ENV = "ZOO_DATA"
LOCAL = Path("data")


@dataclass(frozen=True)
class DataRoots:
    """The folders to look in, in order, where a download goes, and what chose them."""

    folders: tuple[Path, ...]
    download_to: Path
    chosen_by: str

    def where(self, folder_name: str) -> list[Path]:
        """The dataset folder ``folder_name`` under each root (the root itself when it is that folder)."""
        return [_dataset_folder(root, folder_name) for root in self.folders]

    def missing(self, what: str, folder_name: str, reason: str | None = None) -> ZooError:
        """The one-line error for a dataset found in none of the folders."""
        looked = ", ".join(str(folder / "raw") for folder in self.where(folder_name))
        env = f"ZOO_DATA={os.environ[ENV]}" if os.environ.get(ENV) else "ZOO_DATA is not set"
        why = f"; {reason}" if reason else ""
        return ZooError(
            f"{what} is not in {looked} ({self.chosen_by}; {env}){why}; pass --data DIR or set ZOO_DATA "
            f"to a folder that holds {folder_name}/raw"
        )


def user_cache() -> Path:
    """The default download folder: ``$XDG_CACHE_HOME/generative-zoo/data``, else under ``~/.cache``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "generative-zoo" / "data"


def data_roots(root: str | Path | None = None) -> DataRoots:
    """The lookup order for ``root`` (None: not given)."""
    if root is not None:
        given = Path(root).expanduser()
        return DataRoots((given,), given, "from --data")
    if os.environ.get(ENV):
        env = Path(os.environ[ENV]).expanduser()
        return DataRoots((env,), env, "from ZOO_DATA")
    return DataRoots((LOCAL, user_cache()), user_cache(), "the defaults")


def root_holding(root: Path, folder_name: str) -> Path:
    """The root that holds ``folder_name``: ``root`` itself, or its parent when ``root`` is that folder."""
    if root.name == folder_name and not (root / folder_name).exists():
        return root.parent
    return root


def _dataset_folder(root: Path, folder_name: str) -> Path:
    return root_holding(root, folder_name) / folder_name
