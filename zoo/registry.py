"""The model registry: specs from plugins, checkpoints from registry.toml."""
from __future__ import annotations

import fnmatch
from typing import Any

from .catalog import CatalogEntry, read_catalog
from .errors import CatalogError, ModelNameCollision, UnknownModelError
from .paths import CATALOG_PATH
from .plugins import PluginSet
from .spec import ModelSpec


class Registry:
    """Every model name the installed plugins know, with pinned checkpoints."""

    def __init__(self, plugins: PluginSet, catalog: dict[str, CatalogEntry]) -> None:
        self.plugins = plugins
        self.specs: dict[str, ModelSpec] = {}
        self.collisions: dict[str, list[str]] = {}
        registered: set[str] = set()
        for info, register_models in plugins.implementations("register_models"):
            pending: list[ModelSpec] = []
            try:
                register_models(register=lambda spec, _pending=pending: _pending.append(_checked(spec)))
            except Exception as exc:  # noqa: BLE001 - contain broken plugins
                plugins.fail(info, f"register_models raised {type(exc).__name__}: {exc}")
                continue
            registered.add(info.name)
            for spec in pending:
                self._add(spec.with_updates(plugin=info.name))
                info.models.append(spec.name)
        for name, entry in catalog.items():
            if name not in self.specs:
                continue
            if entry.plugin not in registered:
                # The entry's own plugin is disabled or broken; another plugin's
                # model of the same name gets no checkpoint from it.
                continue
            self.specs[name] = _attach(self.specs[name], entry)

    def _add(self, spec: ModelSpec) -> None:
        if spec.name in self.collisions:
            self.collisions[spec.name].append(spec.plugin)
        elif spec.name in self.specs:
            first = self.specs.pop(spec.name)
            self.collisions[spec.name] = [first.plugin, spec.plugin]
            self.plugins.fail(self.plugins.plugins[spec.plugin], self._collision_message(spec.name))
        else:
            self.specs[spec.name] = spec

    def _collision_message(self, name: str) -> str:
        owners = " and ".join(repr(p) for p in self.collisions[name])
        return (
            f"model name {name!r} is registered by both plugins {owners}; "
            f"disable one of them with ZOO_DISABLE_PLUGINS"
        )

    def names(self, pattern: str | None = None) -> list[str]:
        names = sorted(self.specs)
        return [n for n in names if fnmatch.fnmatchcase(n, pattern)] if pattern else names

    def get(self, name: str) -> ModelSpec:
        if name in self.collisions:
            raise ModelNameCollision(self._collision_message(name))
        try:
            return self.specs[name]
        except KeyError:
            import difflib  # only on this error path: it slows zoo list

            close = difflib.get_close_matches(name, list(self.specs), n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise UnknownModelError(
                f"unknown model {name!r}.{hint} Run `zoo list` to see all {len(self.specs)} models."
            ) from None


def _checked(spec: Any) -> ModelSpec:
    if not isinstance(spec, ModelSpec):
        raise TypeError(f"register() takes a zoo.ModelSpec, got {type(spec).__name__}")
    return spec


def _attach(spec: ModelSpec, entry: CatalogEntry) -> ModelSpec:
    """Merge a registry.toml entry into the spec its plugin registered."""
    if entry.plugin != spec.plugin:
        raise CatalogError(
            f"registry.toml: entry {entry.name!r}: field 'plugin' says {entry.plugin!r} "
            f"but the model is registered by plugin {spec.plugin!r}"
        )
    if entry.family != spec.family:
        raise CatalogError(
            f"registry.toml: entry {entry.name!r}: field 'family' says {entry.family!r} "
            f"but plugin {spec.plugin!r} registers it as {spec.family!r}"
        )
    return spec.with_updates(
        dataset=entry.dataset,
        licence=entry.licence,
        config={**spec.config, **entry.config},
        checkpoint=entry.checkpoint,
        metrics=entry.metrics,
        training=entry.training,
        bench=entry.bench,
    )


_registry: Registry | None = None


def get_registry() -> Registry:
    """The process-wide registry, built on first use."""
    global _registry
    if _registry is None:
        _registry = Registry(PluginSet(), read_catalog(CATALOG_PATH))
    return _registry


def reset() -> None:
    """Forget discovered plugins (after installing one, or in tests)."""
    global _registry
    _registry = None


def list_models(pattern: str | None = None) -> list[str]:
    """Names of all known models, optionally filtered by an fnmatch pattern."""
    return get_registry().names(pattern)


def get_spec(name: str) -> ModelSpec:
    """The spec of one model; unknown names raise with close matches."""
    return get_registry().get(name)
