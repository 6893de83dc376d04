"""A zoo of generative models with pretrained, verified weights.

    >>> import zoo
    >>> images = zoo.load("dcgan-mnist").sample(64, seed=0)

``import zoo`` is cheap: torch is imported only when a model is built.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    CatalogError,
    ChecksumError,
    HubError,
    ModelNameCollision,
    PluginError,
    UnknownModelError,
    ZooError,
)
from .hookspecs import hookimpl
from .registry import list_models
from .spec import Checkpoint, ModelSpec

if TYPE_CHECKING:
    from .loading import load

__all__ = [
    "CatalogError",
    "Checkpoint",
    "ChecksumError",
    "HubError",
    "ModelNameCollision",
    "ModelSpec",
    "PluginError",
    "UnknownModelError",
    "ZooError",
    "hookimpl",
    "info",
    "list_models",
    "load",
]


def info(name: str) -> dict[str, Any]:
    """The spec of a model as a plain dict (family, paper, dataset, shape, ...)."""
    from .describe import describe

    return describe(name)


def __getattr__(attr: str) -> Any:
    if attr == "load":
        from .loading import load

        return load
    raise AttributeError(f"module 'zoo' has no attribute {attr!r}")
