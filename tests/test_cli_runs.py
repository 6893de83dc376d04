"""A run folder made by zoo train works with zoo info and, trained on a folder of images, with
zoo reconstruct RUN --images DIR."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from zoo.cli import main


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    pass


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> Path:
    """Two classes of 20x20 colour squares."""
    folder = tmp_path_factory.mktemp("images")
    for label, name in enumerate(("reds", "blues")):
        (folder / name).mkdir()
        for i in range(8):
            colour = (200, 20 * i, 30) if label == 0 else (30, 20 * i, 200)
            Image.new("RGB", (20, 20), colour).save(folder / name / f"{i}.png")
    return folder


@pytest.fixture(scope="module")
def run(images, tmp_path_factory) -> Path:
    """One epoch of the plain autoencoder on those images, at 16x16."""
    out = tmp_path_factory.mktemp("runs") / "ae"
    assert main(["train", "ae-mnist", "--images", str(images), "--image-size", "16", "--epochs", "1",
                 "--batch-size", "8", "--out", str(out)]) == 0
    return out


def test_info_of_a_run_folder_shows_its_model_and_training(run, images, capsys):
    capsys.readouterr()
    assert main(["info", str(run)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["folder"] == str(run.resolve()) and info["name"] == "ae-mnist"
    assert info["family"] == "autoencoder" and info["image_shape"] == [3, 16, 16]
    assert info["dataset"] == f"images:{images.name}"
    assert info["config"]["image_size"] == 16 and info["training"]["epochs"] == 1
    assert info["resumable"] is True and info["parameters"] > 0


def test_info_of_a_folder_without_a_model_is_one_line(tmp_path, capsys):
    assert main(["info", str(tmp_path)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "is not a zoo model folder" in line


def test_reconstruct_a_run_on_a_folder_of_images(run, images, tmp_path, capsys):
    out = tmp_path / "pairs.png"
    assert main(["reconstruct", str(run), "--images", str(images), "--rows", "2", "--cols", "3", "-o", str(out)]) == 0
    with Image.open(out) as picture:
        assert picture.size == (3 * 18 + 2, 4 * 18 + 2)  # 2 rows of images, each above its reconstructions


def test_reconstruct_a_run_on_images_asks_for_them(run, tmp_path, capsys):
    code = main(["reconstruct", str(run), "-o", str(tmp_path / "x.png")])
    [line] = capsys.readouterr().err.splitlines()
    assert code == 2 and "was trained on a folder of images" in line and "--images DIR" in line


def test_reconstruct_takes_images_or_data_not_both(run, images, tmp_path, capsys):
    assert main(["reconstruct", str(run), "--images", str(images), "--data", str(tmp_path)]) == 2
    assert "give --images DIR or --data DIR, not both" in capsys.readouterr().err


@pytest.mark.parametrize("layout", ["flat", "eleven classes"])
def test_a_conditional_model_needs_one_subfolder_per_class_of_its_own(tmp_path, capsys, layout):
    names = ["."] if layout == "flat" else [f"class{i:02d}" for i in range(11)]
    for name in names:
        (tmp_path / "images" / name).mkdir(parents=True, exist_ok=True)
        Image.new("L", (28, 28), 128).save(tmp_path / "images" / name / "a.png")
    code = main(["reconstruct", "cvae-mnist", "--images", str(tmp_path / "images"), "-o", str(tmp_path / "x.png")])
    [line] = capsys.readouterr().err.splitlines()
    assert code == 2 and "cvae-mnist is conditional on 10 classes" in line


def test_info_of_a_folder_named_without_a_path_says_how_to_pass_it(run, capsys, monkeypatch):
    monkeypatch.chdir(run.parent)
    assert main(["info", run.name]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert f"pass it as a path: ./{run.name}" in line
