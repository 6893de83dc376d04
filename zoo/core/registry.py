"""The registry: model and dataset specs from plugins, pins and measurements from their distributions' catalogs."""
from __future__ import annotations

import fnmatch
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from zoo.core import homes
from zoo.core.catalog import CatalogEntry, read_catalog, read_pins
from zoo.errors import (
    CatalogError,
    DatasetNameCollision,
    ModelNameCollision,
    UnknownDatasetError,
    UnknownModelError,
    ZooError,
)
from zoo.core.plugins import PluginInfo, PluginSet, PluginWarning, strict_mode
from zoo.core.spec import DatasetSpec, ModelSpec, PinnedFiles


@dataclass(frozen=True)
class Catalog:
    """The ``registry.toml`` in one plugin home, and the plugins loaded from that home."""

    path: Path
    distribution: str
    plugins: frozenset[str]


class Registry:
    """Every model and dataset name the installed plugins know, with the hub files their catalogs pin."""

    def __init__(self, plugins: PluginSet) -> None:
        self.plugins = plugins
        self.specs: dict[str, ModelSpec] = {}
        self.collisions: dict[str, list[str]] = {}
        self.sources: dict[str, Catalog] = {}  # model name -> the catalog its entry came from
        self.datasets: dict[str, DatasetSpec] = {}
        self.dataset_owners: dict[str, str] = {}  # dataset name -> the plugin that registered it
        self.dataset_collisions: dict[str, list[str]] = {}
        registered = self._run_hooks(plugins)
        for info, models, datasets in registered:
            for spec in models:
                self._add(spec.with_updates(plugin=info.name))
                info.models.append(spec.name)
            for dataset in datasets:
                self._add_dataset(dataset, info)
                info.datasets.append(dataset.name)
        self.homes = {info.name: homes.home_of(info.module) for info, _, _ in registered}
        for catalog in self._catalogs([info for info, _, _ in registered]):
            self._attach_catalog(catalog)

    @staticmethod
    def _run_hooks(plugins: PluginSet) -> list[tuple[PluginInfo, list[ModelSpec], list[DatasetSpec]]]:
        """What each plugin registers through each hook; a plugin whose hook raises registers nothing."""
        found: dict[str, tuple[PluginInfo, list[ModelSpec], list[DatasetSpec]]] = {}
        broken: set[str] = set()
        hooks = (("register_models", ModelSpec), ("register_datasets", DatasetSpec))
        for position, (hook, kind) in enumerate(hooks, 1):
            for info, register in plugins.implementations(hook):
                if info.name in broken:
                    continue
                pending = found.setdefault(info.name, (info, [], []))[position]
                try:
                    register(register=lambda spec, _pending=pending, _kind=kind: _pending.append(_checked(spec, _kind)))
                except Exception as exc:  # noqa: BLE001 - contain broken plugins
                    plugins.fail(info, f"{hook} raised {type(exc).__name__}: {exc}")
                    broken.add(info.name)
                    del found[info.name]
        return list(found.values())

    def _catalogs(self, registered: list[PluginInfo]) -> list[Catalog]:
        """One catalog per plugin home that has a ``registry.toml``."""
        by_home: dict[Path, list[PluginInfo]] = {}
        for info in registered:
            home = self.homes[info.name]
            if home is not None:
                by_home.setdefault(home, []).append(info)
        return [
            Catalog(home / homes.CATALOG_FILE, infos[0].distribution, frozenset(info.name for info in infos))
            for home, infos in by_home.items()
            if (home / homes.CATALOG_FILE).is_file()
        ]

    def _attach_catalog(self, catalog: Catalog) -> None:
        """Merge a catalog's entries into the specs its own plugins registered; report the rest."""
        try:
            entries = read_catalog(catalog.path)
        except CatalogError as exc:
            self._report(exc)
            return
        for name, entry in entries.items():
            spec = self.specs.get(name)
            if spec is None:
                continue  # the model's plugin is disabled or broken
            if spec.plugin not in catalog.plugins:
                if entry.plugin in self.homes:  # not a disabled plugin's entry: a clash
                    owner = self.plugins.plugins[spec.plugin]
                    self._report(CatalogError(
                        f"{catalog.path}: entry {name!r} pins a model that plugin {spec.plugin!r} of "
                        f"{owner.distribution} registers, not {catalog.distribution}; a catalog pins only "
                        f"its own distribution's models, so the entry is ignored"
                    ))
                continue
            try:
                self.specs[name] = _attach(spec, entry, catalog.path)
            except CatalogError as exc:
                self._report(exc)
                continue
            self.sources[name] = catalog

    def _report(self, problem: ZooError) -> None:
        """A catalog problem is fatal in strict mode and a warning otherwise, like a broken plugin."""
        if strict_mode():
            raise problem
        warnings.warn(str(problem), PluginWarning, stacklevel=4)

    def pinned(self, name: str) -> PinnedFiles | None:
        """The pins of ``name``, read from its catalog file itself (or from its plugin's spec)."""
        spec = self.get(name)
        catalog = self.sources.get(name)
        return spec.pins if catalog is None else read_pins(catalog.path, name)

    def weight_folders(self, name: str) -> list[Path]:
        """Installed hub-layout folders to look in for ``name``'s files: its own home's first."""
        spec = self.get(name)
        own_home = self.homes.get(spec.plugin)
        own_package = homes.top_package(self.plugins.plugins[spec.plugin].module)
        distributions = homes.weights_distributions()
        folders = [home / homes.WEIGHTS_FOLDER for home in [own_home] if home is not None]
        folders += [d.folder for d in distributions if d.package == own_package]
        folders += [home / homes.WEIGHTS_FOLDER for home in self.homes.values() if home is not None]
        folders += [d.folder for d in distributions]
        return [folder for folder in dict.fromkeys(folders) if folder.is_dir()]

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
        return _collision_message("model", name, self.collisions[name])

    def _add_dataset(self, spec: DatasetSpec, info: PluginInfo) -> None:
        if spec.name in self.dataset_collisions:
            self.dataset_collisions[spec.name].append(info.name)
        elif spec.name in self.datasets:
            del self.datasets[spec.name]
            self.dataset_collisions[spec.name] = [self.dataset_owners.pop(spec.name), info.name]
            self.plugins.fail(info, _collision_message("dataset", spec.name, self.dataset_collisions[spec.name]))
        else:
            self.datasets[spec.name] = spec
            self.dataset_owners[spec.name] = info.name

    def dataset_names(self) -> list[str]:
        return sorted(self.datasets)

    def dataset(self, name: str) -> DatasetSpec:
        if name in self.dataset_collisions:
            raise DatasetNameCollision(_collision_message("dataset", name, self.dataset_collisions[name]))
        try:
            return self.datasets[name]
        except KeyError:
            known = ", ".join(self.dataset_names())
            hint = f"the registered datasets are {known}" if known else (
                "no datasets are registered; check ZOO_LOAD_PLUGINS / ZOO_DISABLE_PLUGINS (zoo plugins lists them)"
            )
            raise UnknownDatasetError(f"unknown dataset {name!r}; {hint}") from None

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


def _checked(spec: Any, kind: type) -> Any:
    if not isinstance(spec, kind):
        raise TypeError(f"register() takes a zoo.{kind.__name__}, got {type(spec).__name__}")
    return spec


def _collision_message(kind: str, name: str, plugins: list[str]) -> str:
    owners = " and ".join(repr(p) for p in plugins)
    return f"{kind} name {name!r} is registered by both plugins {owners}; disable one of them with ZOO_DISABLE_PLUGINS"


def _attach(spec: ModelSpec, entry: CatalogEntry, source: Path) -> ModelSpec:
    """Merge a catalog entry into the spec its plugin registered: the catalog adds pins, the training
    record and measurements. The dataset is the spec's unless the weights were trained on another:
    the entry's ``dataset``, else the one its training record names."""
    if entry.plugin != spec.plugin:
        raise CatalogError(
            f"{source}: entry {entry.name!r}: field 'plugin' says {entry.plugin!r} "
            f"but the model is registered by plugin {spec.plugin!r}"
        )
    return spec.with_updates(
        dataset=entry.dataset or _trained_on(entry.training) or spec.dataset,
        pins=entry.pins,
        metrics=entry.metrics,
        training=entry.training,
        bench=entry.bench,
    )


def _trained_on(training: Mapping[str, Any]) -> str | None:
    dataset = training.get("dataset")
    return dataset if isinstance(dataset, str) and dataset.strip() else None


_registry: Registry | None = None


def get_registry() -> Registry:
    """The process-wide registry, built on first use."""
    global _registry
    if _registry is None:
        _registry = Registry(PluginSet())
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


def list_datasets() -> list[str]:
    """Names of all registered datasets."""
    return get_registry().dataset_names()


def get_dataset(name: str) -> DatasetSpec:
    """The spec of one dataset; an unknown name raises listing the registered ones."""
    return get_registry().dataset(name)


def evaluator_for(dataset: str | None) -> str | None:
    """The name of the model that judges samples of ``dataset``.

    None when the dataset has no evaluation network, or is not a registered
    dataset (a folder of images, data given in code).
    """
    registry = get_registry()
    if dataset not in registry.datasets and dataset not in registry.dataset_collisions:
        return None
    return registry.dataset(dataset).evaluator
