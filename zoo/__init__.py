"""A zoo of generative models with pretrained, verified weights.

    >>> import zoo
    >>> name = zoo.list_models()[0]  # every registered model; `zoo list` shows them
    >>> images = zoo.load(name).sample(64, seed=0)

``import zoo`` is cheap: torch is imported only when a model is built.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zoo.errors import (
    CatalogError,
    ChecksumError,
    DatasetNameCollision,
    HubError,
    ModelNameCollision,
    PluginError,
    UnknownDatasetError,
    UnknownModelError,
    ZooError,
)
from zoo.core.hookspecs import hookimpl
from zoo.core.registry import list_models
from zoo.core.spec import DatasetSpec, ModelSpec, PinnedFiles

if TYPE_CHECKING:
    from zoo.hub.load import load

__all__ = [
    "CatalogError",
    "PinnedFiles",
    "ChecksumError",
    "DatasetNameCollision",
    "DatasetSpec",
    "HubError",
    "ModelNameCollision",
    "ModelSpec",
    "PluginError",
    "UnknownDatasetError",
    "UnknownModelError",
    "ZooError",
    "hookimpl",
    "info",
    "list_models",
    "load",
]


def info(name: str) -> dict[str, Any]:
    """The spec of a model as a plain dict (family, paper, dataset, shape, ...)."""
    from zoo.models.describe import describe

    return describe(name)


def __getattr__(attr: str) -> Any:
    if attr == "load":
        from zoo.hub.load import load

        return load
    raise AttributeError(f"module 'zoo' has no attribute {attr!r}")
