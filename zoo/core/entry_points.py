"""Entry points of the installed distributions, read from their ``*.dist-info`` and
``*.egg-info`` folders on ``sys.path``.

``importlib.metadata`` finds the same entry points, but importing it (the e-mail
parser, zipfile and more) costs more than all the rest of ``zoo list``. This
reader follows its rules: the folders of each ``sys.path`` directory in order,
the first distribution of a (normalised) name shadows later ones, and
``entry_points.txt`` is an INI file of ``name = module:attribute`` lines per
group. Zipped ``sys.path`` entries are not searched.
"""
from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

METADATA_FOLDERS = (".dist-info", ".egg-info")
HEADER_FILES = ("METADATA", "PKG-INFO")


@dataclass(frozen=True)
class EntryPoint:
    """One ``name = value`` line of a group, with the distribution that declares it."""

    name: str
    value: str
    group: str
    distribution: str
    version: str

    def load(self) -> Any:
        """Import the module of ``module:attr.sub [extras]`` and return the named attribute."""
        module, _, attributes = self.value.partition(":")
        target = importlib.import_module(module.strip())
        for attribute in filter(None, attributes.split("[")[0].strip().split(".")):
            target = getattr(target, attribute)
        return target


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _metadata_folders(paths: Iterable[str]) -> Iterator[tuple[str, str]]:
    """``(normalised name, folder)`` of every distribution's metadata folder, first one of a name only."""
    seen: set[str] = set()
    for entry in paths:
        directory = entry or "."
        try:
            children = os.listdir(directory)
        except OSError:  # missing, a file, a zip archive
            continue
        for child in children:
            if not child.endswith(METADATA_FOLDERS):
                continue
            folder = os.path.join(directory, child)
            key = normalise(child.rpartition(".")[0].partition("-")[0])
            if key not in seen and os.path.isdir(folder):
                seen.add(key)
                yield key, folder


def _headers(folder: str) -> dict[str, str]:
    """The ``Name`` and ``Version`` headers of a distribution's core metadata."""
    for file_name in HEADER_FILES:
        try:
            with open(os.path.join(folder, file_name), encoding="utf-8") as lines:
                headers = {}
                for line in lines:
                    if not line.strip():
                        break
                    key, sep, value = line.partition(":")
                    if sep and key in ("Name", "Version"):
                        headers[key] = value.strip()
                return headers
        except OSError:
            continue
    return {}


def _group_lines(folder: str, group: str) -> list[tuple[str, str]]:
    try:
        with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as text:
            lines = text.read().splitlines()
    except OSError:
        return []
    found, current = [], None
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == group:
            name, _, value = line.partition("=")
            found.append((name.strip(), value.strip()))
    return found


def entry_points(group: str, paths: Iterable[str] | None = None) -> list[EntryPoint]:
    """Every entry point of ``group`` declared by a distribution on ``paths`` (default ``sys.path``)."""
    found = []
    for _, folder in _metadata_folders(sys.path if paths is None else paths):
        lines = _group_lines(folder, group)
        if lines:
            headers = _headers(folder)
            distribution, version = headers.get("Name", "unknown"), headers.get("Version", "unknown")
            found.extend(EntryPoint(name, value, group, distribution, version) for name, value in lines)
    return found


def version(distribution: str, paths: Iterable[str] | None = None) -> str | None:
    """The installed version of ``distribution``, or None when it is not installed."""
    wanted = normalise(distribution)
    for key, folder in _metadata_folders(sys.path if paths is None else paths):
        if key == wanted:
            return _headers(folder).get("Version")
    return None
