"""Turning a training run into a hub folder, a model card and a registry.toml entry."""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from zoo.hub.card import render_card
from zoo.core.catalog import CatalogEntry, config_conflicts, upsert_entries
from zoo.errors import ZooError
from zoo.models.architecture import architecture
from zoo.models.capabilities import Capability, can
from zoo.core.files import open_regular, replace_folder_atomically, replace_atomically, write_bytes_atomically
from zoo.hub.resolve import sha256_of
from zoo.hub.load import CONFIG_FILE, WEIGHTS_FILE, load, read_folder_config
from zoo.core.naming import repo_id_problem
from zoo.release.plugin_project import read_plugin_project
from zoo.core.plugins import BUILTIN_PACKAGE
from zoo.core.registry import get_registry, get_spec
from zoo.core.homes import WEIGHTS_FOLDER, top_package, weights_distributions
from zoo.core.spec import PinnedFiles, ModelSpec

DEFAULT_OWNER = "generative-zoo"
CARD_FILE = "README.md"
LOSS_PLOT = "losses.png"
PROGRESS_PLOT = "progress.png"


def default_folder(repo: str) -> Path:
    """Where ``zoo export`` writes by default: ``exports/OWNER/NAME``, a folder ``ZOO_HUB`` can read."""
    return Path("exports") / repo


def default_owner(spec: ModelSpec) -> str:
    """The hub owner a model is published under unless told: the zoo's for built-ins, else its distribution's."""
    return _owner_name(_distribution(spec))


def _owner_name(distribution: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", distribution).strip("-").lower() or "local"


def publishing_spec(trained: ModelSpec, name: str | None) -> ModelSpec:
    """The spec a run is published under: its own, or another name with the same architecture."""
    if name is None or name == trained.name:
        return trained
    spec = get_spec(name)
    if spec.build != trained.build:
        raise ZooError(
            f"cannot publish a run of {trained.name!r} as {name!r}: {name!r} is built by {spec.build}, "
            f"the run by {trained.build}"
        )
    return spec


def check_catalogable(run_dir: Path, run_config: dict[str, Any], spec: ModelSpec) -> None:
    """Refuse a run whose model config differs from ``spec``'s: a catalog entry for it would be refused."""
    conflicts = config_conflicts(run_config.get("config", {}), spec.config, where="in the run")
    if conflicts:
        raise ZooError(
            f"{run_dir} was not trained as {spec.name!r}'s spec says ({'; '.join(conflicts)}), so a catalog "
            "cannot pin it as that model; register a model whose spec has these settings in your plugin and "
            "export the run as it with --name"
        )


@dataclass(frozen=True)
class Exported:
    """What ``zoo export`` wrote: the hub folder, its catalog entry, and the catalog it went into (if any)."""

    folder: Path
    entry: CatalogEntry
    catalog: Path | None = None


def export_run(
    run_dir: str | Path,
    out_dir: str | Path | None = None,
    repo: str | None = None,
    data_root: str | Path | None = None,
    with_metrics: bool = True,
    name: str | None = None,
    force: bool = False,
    into: str | Path | None = None,
    catalogued: bool = False,
) -> Exported:
    """Write a hub folder for a run: config.json, the sampling weights, samples, a model card.

    ``name`` publishes the run as another registered model of the same
    architecture (default: the model it was trained as). ``into`` is a plugin's
    source folder: the hub folder goes into its package's ``hub/`` and the entry
    into its package's ``registry.toml``, so that the plugin's wheel carries both.
    Otherwise the folder is ``out_dir`` (default ``exports/REPO``). An existing
    folder is replaced only with ``force``; the new one is built beside it and
    renamed into place, so a failed export leaves the target as it was. Only the
    exported module's weights are copied, never the training checkpoint. A run
    whose model config differs from the spec's is refused when its entry goes
    into a catalog (``into``, or ``catalogued`` when the caller writes one).
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ZooError(f"{run_dir} is not a folder; pass the run folder that `zoo train --out` wrote")
    config = read_folder_config(run_dir)
    spec = publishing_spec(get_spec(config["zoo_model"]), name)
    if into is not None or catalogued:
        check_catalogable(run_dir, config, spec)
    project = read_plugin_project(into) if into is not None else None
    if project is not None and spec.plugin not in project.plugins:
        raise ZooError(
            f"{project.folder} provides plugin(s) {', '.join(project.plugins)}, but {spec.name!r} belongs to "
            f"plugin {spec.plugin!r}; export it into that plugin's folder"
        )
    owner = _owner_name(project.distribution) if project else default_owner(spec)
    repo = repo or f"{owner}/{spec.name}"
    problem = repo_id_problem(repo)
    if problem:
        raise ZooError(f"--repo {problem}")
    explicit = out_dir is not None or project is not None
    target = Path(out_dir) if out_dir is not None else project.hub / repo if project else default_folder(repo)
    _check_target(target, run_dir, force, explicit)
    published = {**config, "zoo_model": spec.name}
    entry = replace_folder_atomically(target, lambda new: _write_export(new, run_dir, published, spec, repo, data_root, with_metrics))
    catalog = None
    if project is not None:
        catalog = project.catalog
        upsert_entries(catalog, [entry])
    return Exported(target, entry, catalog)


def _check_target(target: Path, run_dir: Path, force: bool, explicit: bool) -> None:
    resolved, run = target.resolve(), run_dir.resolve()
    if resolved == run or resolved.is_relative_to(run) or run.is_relative_to(resolved):
        raise ZooError(f"cannot export {run_dir} into {target}: write the hub folder outside the run folder")
    if (target.exists() or target.is_symlink()) and not force:
        raise ZooError(f"{target} already exists; pass --force to replace it, or choose another --out")
    if not explicit:
        for folder in installed_weight_folders():
            if resolved.is_relative_to(folder.resolve()):
                raise ZooError(
                    f"the default export folder {target} is inside the installed weights {folder}; "
                    "name it with --out (and --force) if you mean to replace them"
                )


def installed_weight_folders() -> list[Path]:
    """Every hub folder an installed distribution ships (plugin homes' ``hub/`` and ``zoo.weights``)."""
    registry = get_registry()
    folders = [home / WEIGHTS_FOLDER for home in registry.homes.values() if home is not None]
    folders += [found.folder for found in weights_distributions()]
    return [folder for folder in dict.fromkeys(folders) if folder.is_dir()]


def _write_export(
    folder: Path, run_dir: Path, config: dict[str, Any], spec: ModelSpec, repo: str,
    data_root: str | Path | None, with_metrics: bool,
) -> CatalogEntry:
    """Fill a new folder with what ``zoo export`` publishes; returns the catalog entry."""
    _copy(run_dir / WEIGHTS_FILE, folder / WEIGHTS_FILE)
    for plot in (LOSS_PLOT, PROGRESS_PLOT):
        if (run_dir / plot).is_file() or (run_dir / plot).is_symlink():
            _copy(run_dir / plot, folder / plot)
    write_bytes_atomically(folder / CONFIG_FILE, (json.dumps(config, indent=2) + "\n").encode())
    model = load(folder)
    training = {key: value for key, value in config.get("training", {}).items() if value is not None}
    spec = spec.with_updates(dataset=training.get("dataset") or spec.dataset)  # what it was trained on
    metrics: dict[str, Any] = {}
    if with_metrics:
        from zoo.evaluate.reference import evaluate_model

        metrics = evaluate_model(model, data_root, spec.dataset)
    has_samples = can(model, Capability.SAMPLE)
    if has_samples:
        from zoo.core.grid import save_image

        save_image(model.sample(64, seed=0), folder / "samples.png", nrow=8, padding=2)
    card = render_card(
        spec, repo, metrics, training, has_samples, architecture(model).image_shape, has_loss_plot=(folder / LOSS_PLOT).is_file(),
        has_progress_plot=(folder / PROGRESS_PLOT).is_file(),
        notes=getattr(model, "metric_notes", None), distribution=_distribution(spec),
    )
    write_bytes_atomically(folder / CARD_FILE, card.encode("utf-8"))
    files = {file: sha256_of(folder / file) for file in (WEIGHTS_FILE, CONFIG_FILE)}
    return CatalogEntry(
        name=spec.name,
        plugin=spec.plugin,
        pins=PinnedFiles(repo=repo, revision="main", files=files),
        metrics=metrics,
        training=training,
    )


def _distribution(spec: ModelSpec) -> str:
    """The distribution a user installs to get ``spec``'s plugin (``generative-zoo`` for built-ins)."""
    info = get_registry().plugins.plugins.get(spec.plugin)
    if info is None or top_package(info.module) == BUILTIN_PACKAGE:
        return DEFAULT_OWNER
    return info.distribution


def _copy(source: Path, target: Path) -> None:
    """Copy a file of the run, never what a symbolic link in its place points to."""
    if not source.is_file() and not source.is_symlink():
        raise ZooError(f"{source.parent} has no {source.name}; is it a finished run folder?")
    with open_regular(source) as handle:
        replace_atomically(target, lambda tmp: _write_from(handle, tmp))


def _write_from(handle: BinaryIO, target: Path) -> None:
    with open(target, "wb") as out:
        shutil.copyfileobj(handle, out)
