"""Loaders for datasets that ``torchvision.datasets`` has, for plugins that register one.

A local copy in torchvision's folder layout (``ROOT/CLASS/raw``) is looked
for in the order of :mod:`zoo.data.roots`; a missing one is downloaded when
online, quietly, through a temporary folder, so that a failed download leaves
nothing behind.
"""
from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from zoo.data.datasets import ImageData
from zoo.data.idx import read_split
from zoo.data.roots import data_roots, root_holding


def load_torchvision(class_name: str, root: Path | None, train: bool, idx: bool = False) -> ImageData:
    """The split of ``torchvision.datasets.<class_name>``, looked up from ``root`` (None: not given);
    ``idx``: torchvision keeps it as IDX files in ``ROOT/CLASS/raw``, which are read without torchvision."""
    roots = data_roots(root)
    for folder in roots.folders:
        data = _read(class_name, root_holding(folder, class_name), train, idx)
        if data is not None:
            return data
    target = root_holding(roots.download_to, class_name)
    problem = _download(_dataset_class(class_name), target)
    data = None if problem else _read(class_name, target, train, idx)
    if data is None:
        raise roots.missing(class_name, class_name, f"downloading it failed ({problem or 'files incomplete'})")
    return data


def _dataset_class(class_name: str) -> type:
    import torchvision.datasets as tvd

    return getattr(tvd, class_name)


def _read(class_name: str, root: Path, train: bool, idx: bool) -> ImageData | None:
    """The split read from ``root``, or None when its files are not there. IDX files are read here; only
    torchvision's older ``processed`` copies of them (and other datasets) need torchvision."""
    if idx:
        data = read_split(root / class_name / "raw", train)
        if data is not None or not (root / class_name / "processed").is_dir():
            return data
    try:
        return _image_data(_dataset_class(class_name)(str(root), train=train, download=False))
    except RuntimeError:  # torchvision's "Dataset not found"
        return None


def _download(cls: type, root: Path) -> str | None:
    """Download into ``root`` by way of a temporary folder; the reason it failed, or None."""
    with tempfile.TemporaryDirectory(prefix="zoo-download-") as tmp:
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                cls(tmp, train=True, download=True)
        except Exception as exc:  # noqa: BLE001 - whatever the download raised, the data is not here
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            return lines[-1] if lines else type(exc).__name__
        try:
            shutil.copytree(Path(tmp) / cls.__name__, root / cls.__name__, dirs_exist_ok=True)
        except OSError as exc:
            return f"cannot write {root}: {exc.strerror or exc}"
    return None


def _image_data(dataset: Any) -> ImageData:
    images = dataset.data.unsqueeze(1).float().div_(255.0)
    return ImageData(images, dataset.targets.long())
