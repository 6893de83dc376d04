"""How a run improved: progress.png from the per-epoch log, its place in the model card, and a run's
per-epoch snapshots (zoo train --keep-epochs) benched side by side as RUN@EPOCH."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

import zoo
import zoo.evaluate.bench
import zoo.evaluate.quality
import zoo.evaluate.reference
from zoo.hub.card import render_card
from zoo.cli import main
from zoo_plugins.crosses.data import crosses
from zoo.errors import ZooError
from zoo.hub.load import instantiate
from zoo.train.progressplot import plot_progress
from zoo.core.registry import get_spec
from zoo.train.snapshots import expand, kept_epochs, snapshot_folder
from zoo.core.threads import one_thread
from zoo.train.trainer import Trainer

TINY_GAN = {"latent_dim": 8, "width": 8}


def blue_columns(path: Path) -> list[int]:
    """The x positions of the plotted points and lines (the plot's blue) in a picture."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        return sorted({x for x in range(rgb.width) for y in range(rgb.height)
                       if rgb.getpixel((x, y)) == (31, 119, 180)})


def test_progress_picture_draws_coverage_kl_and_confidence_per_epoch(tmp_path):
    records = [{"epoch": e, "loss_d": 1.0, "class_coverage": 6 + e, "kl_to_uniform": 0.5 / e,
                "confident_fraction": 0.2 * e} for e in (1, 2, 3)]
    assert plot_progress(records, tmp_path / "progress.png", "toy: progress")
    with Image.open(tmp_path / "progress.png") as image:
        assert image.size == (960, 300)
    blue = blue_columns(tmp_path / "progress.png")
    panels = [[x for x in blue if 320 * i <= x < 320 * (i + 1)] for i in range(3)]
    assert all(panel for panel in panels)  # every panel has its points


def test_a_log_without_those_measurements_gets_no_picture(tmp_path):
    assert not plot_progress([{"epoch": 1, "loss": 0.3}], tmp_path / "progress.png", "toy")
    assert not (tmp_path / "progress.png").exists()


def test_card_shows_the_progress_picture_beside_the_loss_plot():
    spec = get_spec("dcgan-mnist")
    card = render_card(spec, "o/dcgan-mnist", {}, {"seed": 0}, True, (1, 28, 28), has_loss_plot=True, has_progress_plot=True)
    assert "![training losses](losses.png) ![classes covered" in card and "(progress.png)" in card
    assert "progress.png" not in render_card(spec, "o/dcgan-mnist", {}, {"seed": 0}, True, (1, 28, 28), has_loss_plot=True)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """Two epochs of a tiny DCGAN on the crosses, judged by a small untrained evaluation network, each epoch kept."""
    out = tmp_path_factory.mktemp("run") / "dcgan"
    classifier = instantiate(get_spec("mnist-classifier"), {"width": 4, "features": 16, "classes": 10}).eval()
    with pytest.MonkeyPatch.context() as patch, one_thread():
        patch.setattr(zoo.evaluate.quality, "load_evaluator", lambda dataset, device=None: classifier)
        Trainer(get_spec("dcgan-mnist"), out, data=crosses(256, seed=0)[0], dataset="mnist", progress=False,
                hparams={"epochs": 2, "batch_size": 64}, model_config=TINY_GAN, keep_epochs=True).run()
    return out


def test_training_writes_progress_png_and_keeps_each_epoch(run):
    assert (run / "progress.png").is_file() and (run / "losses.png").is_file()
    assert kept_epochs(run) == [1, 2]
    assert load_file(str(snapshot_folder(run, 2) / "model.safetensors")).keys() == load_file(
        str(run / "model.safetensors")).keys()
    last, final = zoo.load(snapshot_folder(run, 2)), zoo.load(run)
    assert torch.equal(last.sample(4, seed=1), final.sample(4, seed=1))
    assert not torch.equal(zoo.load(snapshot_folder(run, 1)).sample(4, seed=1), final.sample(4, seed=1))


def test_export_copies_the_progress_picture_into_the_card(run, tmp_path):
    from zoo.release.publish import export_run

    folder = export_run(run, tmp_path / "hub", repo="o/dcgan-mnist", with_metrics=False).folder
    assert (folder / "progress.png").read_bytes() == (run / "progress.png").read_bytes()
    assert "(progress.png)" in (folder / "README.md").read_text()


def test_run_at_epoch_names_its_snapshots(run):
    assert expand(f"{run}@2") == [(str(snapshot_folder(run, 2)), f"{run}@2")]
    assert [label for _, label in expand(f"{run}@all")] == [f"{run}@1", f"{run}@2"]
    assert [label for _, label in expand(f"{run}@1,2")] == [f"{run}@1", f"{run}@2"]
    assert expand("dcgan-mnist") == [("dcgan-mnist", "dcgan-mnist")]
    with pytest.raises(ZooError, match=r"no snapshot of epoch 7 \(it has epochs 1, 2\).*--keep-epochs"):
        expand(f"{run}@7")


def test_zoo_bench_shows_a_runs_epochs_side_by_side(run, tmp_path, monkeypatch, capsys):
    from test_bench import toy_reference

    monkeypatch.setattr(zoo.evaluate.reference, "load_reference", lambda dataset, root: toy_reference())
    monkeypatch.setattr(zoo.evaluate.bench, "cold_load_seconds", lambda target, device: 0.0)
    with one_thread():
        assert main(["bench", f"{run}@1", f"{run}@2", "-n", "100", "--no-calibration", "-o", str(tmp_path),
                     "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [row["name"] for row in rows] == [f"{run}@1", f"{run}@2"]
    assert f"{run}@2" in (tmp_path / "bench.html").read_text()
