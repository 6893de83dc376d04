"""What installed distributions ship beside their code: catalogs and hub-layout weights.

A plugin's *home* is the folder of its top-level package. A home may hold
``registry.toml`` (the catalog of that package's models, same schema as the
zoo's) and ``hub/OWNER/NAME/FILE`` (their pinned files). A distribution that
ships only weights declares an entry point in the ``zoo.weights`` group: its
name is the package whose models it holds (``zoo_plugins`` for the built-in
flavours), its value the package whose folder is laid out like ``hub/``.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from zoo.core import entry_points

CATALOG_FILE = "registry.toml"
WEIGHTS_FOLDER = "hub"
WEIGHTS_GROUP = "zoo.weights"


def top_package(module: str) -> str:
    """``zoo_plugins`` for ``zoo_plugins.dcgan``; a plugin value may name ``module:attribute``."""
    return module.partition(":")[0].strip().split(".")[0]


def home_of(module: str) -> Path | None:
    """The folder of the top-level package of ``module`` (None for a single-file module)."""
    return package_folder(top_package(module))


def package_folder(package: str) -> Path | None:
    """The folder of an installed package, found without running its code (None if it is no package)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None


@dataclass(frozen=True)
class WeightsDistribution:
    """An installed folder of hub-layout weights for the models of ``package``."""

    package: str
    folder: Path
    distribution: str


def weights_distributions() -> list[WeightsDistribution]:
    """Every installed ``zoo.weights`` entry point whose package folder exists."""
    found = []
    for point in entry_points.entry_points(WEIGHTS_GROUP):
        folder = package_folder(point.value.partition(":")[0].strip())
        if folder is not None and folder.is_dir():
            found.append(WeightsDistribution(point.name, folder, point.distribution))
    return found
