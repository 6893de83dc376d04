"""Turning a training run into a hub folder, a model card and a registry.toml entry."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from .card import render_card
from .catalog import CatalogEntry
from .errors import ZooError
from .files import replace_atomically, write_bytes_atomically
from .hub import sha256_of
from .loading import CONFIG_FILE, WEIGHTS_FILE, load, read_folder_config
from .registry import get_spec
from .spec import Checkpoint, ModelSpec

DEFAULT_OWNER = "generative-zoo"
CARD_FILE = "README.md"
LOSS_PLOT = "losses.png"


def measure(model: Any, data_root: str | Path | None) -> dict[str, Any]:
    """The model-card metrics for a model (needs its dataset).

    Generative models get sample quality; a model with an
    ``evaluation_metrics(test_images, test_labels) -> dict`` method adds its own.
    """
    from .data import load_dataset
    from .evaluate import classifier_accuracy, evaluate_samples, real_data_floor

    if model.spec.family == "classifier":
        return classifier_accuracy(model, data_root, model.spec.dataset)
    metrics = evaluate_samples(model, data_root)
    metrics["fid_real_floor"] = real_data_floor(data_root, model.spec.dataset)["fid"]
    if hasattr(model, "evaluation_metrics"):  # a family's own test-set numbers
        test = load_dataset(model.spec.dataset, data_root, train=False)
        metrics.update(model.evaluation_metrics(test.images, test.labels))
    return metrics


def default_folder(repo: str) -> Path:
    """Where ``zoo export`` writes by default: ``hub/OWNER/NAME``, the layout ``ZOO_HUB`` reads."""
    return Path("hub") / repo


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


def export_run(
    run_dir: str | Path,
    out_dir: str | Path | None = None,
    repo: str | None = None,
    data_root: str | Path | None = None,
    with_metrics: bool = True,
    name: str | None = None,
) -> CatalogEntry:
    """Write a hub folder for a run: config.json, the sampling weights, a model card.

    ``name`` publishes the run as another registered model of the same
    architecture (default: the model it was trained as); ``repo`` defaults to
    ``generative-zoo/NAME`` and ``out_dir`` to ``hub/REPO``. Only the exported
    module's weights are copied, never the training checkpoint.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ZooError(f"{run_dir} is not a folder; pass the run folder that `zoo train --out` wrote")
    config = read_folder_config(run_dir)
    spec = publishing_spec(get_spec(config["zoo_model"]), name)
    repo = repo or f"{DEFAULT_OWNER}/{spec.name}"
    out_dir = Path(out_dir) if out_dir is not None else default_folder(repo)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(out_dir / CONFIG_FILE, (json.dumps({**config, "zoo_model": spec.name}, indent=2) + "\n").encode())
    if run_dir.resolve() != out_dir.resolve():
        _copy(run_dir / WEIGHTS_FILE, out_dir / WEIGHTS_FILE)
        if (run_dir / LOSS_PLOT).is_file():
            _copy(run_dir / LOSS_PLOT, out_dir / LOSS_PLOT)
    model = load(out_dir)
    metrics = measure(model, data_root) if with_metrics else {}
    has_samples = hasattr(model, "sample")
    if has_samples:
        from torchvision.utils import save_image

        save_image(model.sample(64, seed=0), out_dir / "samples.png", nrow=8, padding=2)
    training = {key: value for key, value in config.get("training", {}).items() if value is not None}
    spec = spec.with_updates(dataset=training.get("dataset") or spec.dataset)  # what it was trained on
    card = render_card(
        spec, repo, metrics, training, has_samples,
        has_loss_plot=(out_dir / LOSS_PLOT).is_file(), notes=getattr(model, "metric_notes", None),
    )
    write_bytes_atomically(out_dir / CARD_FILE, card.encode("utf-8"))
    files = {file: sha256_of(out_dir / file) for file in (WEIGHTS_FILE, CONFIG_FILE)}
    return CatalogEntry(
        name=spec.name,
        plugin=spec.plugin,
        family=spec.family,
        dataset=spec.dataset,
        licence=spec.licence,
        config=config["config"],
        checkpoint=Checkpoint(repo=repo, revision="main", files=files),
        metrics=metrics,
        training=training,
    )


def _copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise ZooError(f"{source.parent} has no {source.name}; is it a finished run folder?")
    replace_atomically(target, lambda tmp: shutil.copyfile(source, tmp))
