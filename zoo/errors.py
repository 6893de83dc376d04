"""Exceptions the zoo raises for user-facing problems."""
from __future__ import annotations


class ZooError(Exception):
    """Base class: a problem the user can fix; the message says how."""


class UnknownModelError(ZooError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class ModelNameCollision(ZooError):
    """Two plugins registered the same model name."""


class UnknownDatasetError(ZooError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class DatasetNameCollision(ZooError):
    """Two plugins registered the same dataset name."""


class PluginError(ZooError):
    """A plugin failed to load or to register its models."""


class CatalogError(ZooError, ValueError):
    """registry.toml (or a hub folder's config.json) is malformed."""


class HubError(ZooError):
    """A pretrained file could not be found or fetched."""


class ChecksumError(HubError):
    """A file's sha256 differs from the pinned one."""
