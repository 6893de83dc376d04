"""Plugin discovery: built-ins, then the ``zoo`` entry-point group.

Environment:
- ``ZOO_LOAD_PLUGINS=a,b``: load only these plugins.
- ``ZOO_DISABLE_PLUGINS=a,b``: skip these plugins.
- ``ZOO_STRICT_PLUGINS=1``: a broken plugin is an error instead of a warning.
"""
from __future__ import annotations

import importlib
import os
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from . import entry_points, hookspecs
from .errors import PluginError

ENTRY_POINT_GROUP = "zoo"
BUILTIN_PACKAGE = "zoo_plugins"


class PluginWarning(UserWarning):
    """A plugin was skipped because it is broken."""


@dataclass
class PluginInfo:
    """One plugin as discovered: where it came from and what it registered."""

    name: str
    distribution: str
    version: str
    module: str
    models: list[str] = field(default_factory=list)
    error: str | None = None

    def describe_error(self) -> str:
        return (
            f"plugin {self.name!r} (distribution {self.distribution} {self.version}, module {self.module}) "
            f"failed: {self.error}. Disable it with ZOO_DISABLE_PLUGINS={self.name} "
            f"or uninstall {self.distribution}."
        )


def _env_list(var: str) -> set[str] | None:
    raw = os.environ.get(var)
    if raw is None:
        return None
    return {item.strip() for item in raw.split(",") if item.strip()}


def strict_mode() -> bool:
    return os.environ.get("ZOO_STRICT_PLUGINS", "").strip().lower() in {"1", "true", "yes", "on"}


def _wanted(name: str) -> bool:
    only, disabled = _env_list("ZOO_LOAD_PLUGINS"), _env_list("ZOO_DISABLE_PLUGINS")
    if only is not None and name not in only:
        return False
    return not (disabled and name in disabled)


@dataclass
class _Candidate:
    info: PluginInfo
    load: Any  # callable returning the plugin module/object


def _builtin_candidates() -> list[_Candidate]:
    package = importlib.import_module(BUILTIN_PACKAGE)
    version = entry_points.version("generative-zoo") or "source"
    return [
        _Candidate(
            PluginInfo(name, "generative-zoo (built-in)", version, f"{BUILTIN_PACKAGE}.{name}"),
            lambda module=f"{BUILTIN_PACKAGE}.{name}": importlib.import_module(module),
        )
        for name in package.BUILTIN_PLUGINS
    ]


def _entry_point_candidates() -> list[_Candidate]:
    return [
        _Candidate(PluginInfo(ep.name, ep.distribution, ep.version, ep.value), ep.load)
        for ep in entry_points.entry_points(ENTRY_POINT_GROUP)
    ]


class PluginSet:
    """A pluggy manager loaded with every wanted plugin, broken ones reported."""

    def __init__(self) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.manager.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self.objects: dict[str, ModuleType | Any] = {}
        for candidate in _builtin_candidates() + _entry_point_candidates():
            if _wanted(candidate.info.name):
                self._add(candidate)

    def _add(self, candidate: _Candidate) -> None:
        info = candidate.info
        if info.name in self.plugins:
            self.fail(info, f"another plugin named {info.name!r} is already loaded from {self.plugins[info.name].distribution}")
            return
        self.plugins[info.name] = info
        try:
            plugin = candidate.load()
            self.manager.register(plugin, name=info.name)
        except Exception as exc:  # noqa: BLE001 - any plugin bug must be contained
            self.fail(info, f"{type(exc).__name__}: {exc}")
            return
        unknown = [hc.name for hc in self.manager.get_hookcallers(plugin) or [] if not hc.has_spec()]
        if unknown:
            self.manager.unregister(plugin)
            self.fail(info, f"implements unknown hook(s) {', '.join(unknown)}; known hooks: register_models")
            return
        self.objects[info.name] = plugin

    def fail(self, info: PluginInfo, error: str) -> None:
        """Record a broken plugin; raise in strict mode, warn otherwise."""
        info.error = error
        self.plugins.setdefault(info.name, info)
        if strict_mode():
            raise PluginError(info.describe_error())
        warnings.warn(info.describe_error(), PluginWarning, stacklevel=3)

    def implementations(self, hook_name: str) -> list[tuple[PluginInfo, Any]]:
        """Each working plugin's implementation of a hook, in load order."""
        impls = getattr(self.manager.hook, hook_name).get_hookimpls()
        return [(self.plugins[impl.plugin_name], impl.function) for impl in impls]
