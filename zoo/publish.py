"""Turning a training run into a hub folder, a model card and a registry.toml entry."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from .card import render_card
from .catalog import CatalogEntry
from .hub import sha256_of
from .loading import CONFIG_FILE, WEIGHTS_FILE, load, read_folder_config
from .registry import get_spec
from .spec import Checkpoint

DEFAULT_OWNER = "generative-zoo"


def measure(model: Any, data_root: str | Path | None) -> dict[str, Any]:
    """The model-card metrics for a model (needs its dataset)."""
    from .evaluate import classifier_accuracy, evaluate_samples, real_data_floor

    if model.spec.family == "classifier":
        return classifier_accuracy(model, data_root, model.spec.dataset)
    metrics = evaluate_samples(model, data_root)
    metrics["fid_real_floor"] = real_data_floor(data_root, model.spec.dataset)["fid"]
    return metrics


def export_run(
    run_dir: str | Path,
    out_dir: str | Path,
    repo: str | None = None,
    data_root: str | Path | None = None,
    with_metrics: bool = True,
) -> CatalogEntry:
    """Copy a run's sampling weights and config into ``out_dir`` with a model card."""
    run_dir, out_dir = Path(run_dir), Path(out_dir)
    config = read_folder_config(run_dir)
    spec = get_spec(config["zoo_model"])
    repo = repo or f"{DEFAULT_OWNER}/{spec.name}"
    out_dir.mkdir(parents=True, exist_ok=True)
    if run_dir.resolve() != out_dir.resolve():
        for name in (CONFIG_FILE, WEIGHTS_FILE):
            shutil.copyfile(run_dir / name, out_dir / (name + ".tmp"))
            (out_dir / (name + ".tmp")).replace(out_dir / name)
    model = load(out_dir)
    metrics = measure(model, data_root) if with_metrics else {}
    has_samples = hasattr(model, "sample")
    if has_samples:
        from torchvision.utils import save_image

        save_image(model.sample(64, seed=0), out_dir / "samples.png", nrow=8, padding=2)
    training = config.get("training", {})
    (out_dir / "README.md").write_text(render_card(spec, repo, metrics, training, has_samples), encoding="utf-8")
    files = {name: sha256_of(out_dir / name) for name in (WEIGHTS_FILE, CONFIG_FILE)}
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
