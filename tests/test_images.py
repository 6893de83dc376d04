"""`zoo train NAME --images DIR --image-size S [--channels C]`: a flavour trains on a folder of image files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from PIL import Image

import zoo
import zoo.core.registry
from zoo.cli import main
from zoo.data.folders import read_image_folder
from zoo.errors import ZooError

PER_CLASS = 4


def draw(path: Path, size: int, colour: tuple[int, ...], mode: str = "RGB") -> None:
    """A square of ``colour`` with a lighter box in it, so that images differ."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new(mode, (size, size), colour)
    image.paste(tuple(min(255, c + 90) for c in colour) if mode == "RGB" else min(255, colour + 90),
                (size // 4, size // 4, size // 2, size // 2))
    image.save(path)


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    """Two classes of 64x64 RGB PNGs, one 48x48 among them, and files that are not images to leave out."""
    folder = tmp_path / "photos"
    for label, name in enumerate(("apples", "pears")):
        for i in range(PER_CLASS):
            draw(folder / name / f"{i}.png", 64, (40 * i, 200 * label, 60))
    draw(folder / "apples" / "small.png", 48, (10, 20, 30))
    (folder / "pears" / "notes.txt").write_text("not an image", encoding="utf-8")
    (folder / "pears" / ".hidden.png").write_bytes(b"not an image either")
    return folder


# --- reading a folder ------------------------------------------------------------------


def test_subfolders_are_classes_and_every_image_is_scaled_to_the_size(photos: Path) -> None:
    notes: list[str] = []
    found = read_image_folder(photos, 32, note=notes.append)
    assert found.classes == ["apples", "pears"] and found.channels == 3 and found.dataset == "images:photos"
    images, labels = found.data.images, found.data.labels
    assert images.shape == (2 * PER_CLASS + 1, 3, 32, 32) and images.dtype == torch.float32
    assert 0 <= images.min() and images.max() <= 1
    assert labels.tolist() == [0] * (PER_CLASS + 1) + [1] * PER_CLASS
    assert notes == [f"the images in {photos} have 2 sizes (64x64 (8), 48x48 (1)); "
                     "each is scaled and centre-cropped to 32x32"]


def test_images_of_the_size_asked_are_not_noted(tmp_path: Path) -> None:
    for i in range(3):
        draw(tmp_path / f"{i}.png", 16, 10 * i, mode="L")
    notes: list[str] = []
    found = read_image_folder(tmp_path, 16, note=notes.append)
    assert notes == []
    assert found.classes == [] and found.data.labels.tolist() == [-1, -1, -1]  # a flat folder: unlabelled
    assert found.channels == 1 and found.data.images.shape == (3, 1, 16, 16)  # grey images, one channel


def test_channels_can_be_asked_for(photos: Path) -> None:
    grey = read_image_folder(photos, 16, channels=1).data.images
    assert grey.shape == (2 * PER_CLASS + 1, 1, 16, 16)
    draw(photos / "apples" / "grey.png", 64, 128, mode="L")
    mixed = read_image_folder(photos, 16)  # any colour image makes the folder RGB
    grey_as_rgb = mixed.data.images[PER_CLASS]  # apples/grey.png, after 0.png to 3.png
    assert mixed.channels == 3 and all(torch.equal(grey_as_rgb[0], grey_as_rgb[c]) for c in (1, 2))


def test_a_folder_without_images_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty" / "class").mkdir(parents=True)
    (tmp_path / "empty" / "readme.txt").write_text("hi", encoding="utf-8")
    refused = r"empty holds no image files \(.bmp, .*\): put the images in it, or in one subfolder per class"
    with pytest.raises(ZooError, match=refused):
        read_image_folder(tmp_path / "empty", 32)
    with pytest.raises(ZooError, match="there is no folder"):
        read_image_folder(tmp_path / "nowhere", 32)


def test_unreadable_files_are_named(photos: Path) -> None:
    (photos / "apples" / "broken.png").write_bytes(b"this is not a PNG")
    good = (photos / "pears" / "0.png").read_bytes()
    (photos / "pears" / "cut.png").write_bytes(good[: len(good) // 2])
    with pytest.raises(ZooError) as caught:
        read_image_folder(photos, 32)
    message = str(caught.value)
    assert message.startswith(f"cannot read 2 of the {2 * PER_CLASS + 3} image files in {photos}: apples/broken.png (")
    assert "; pears/cut.png (" in message and message.endswith("Remove or replace them")


# --- zoo train --images ----------------------------------------------------------------


@pytest.fixture
def tiny_dcgan(monkeypatch: pytest.MonkeyPatch, one_torch_thread: None) -> None:
    """dcgan-mnist with a narrow network and no self-conditioning, so that `zoo train` takes seconds."""
    registry = zoo.core.registry.get_registry()
    spec = registry.get("dcgan-mnist")
    tiny = spec.with_updates(config={**spec.config, "latent_dim": 8, "width": 8, "clusters": 0})
    monkeypatch.setitem(registry.specs, "dcgan-mnist", tiny)


def test_dcgan_trains_on_a_folder_at_64_pixels_rgb_and_resumes_on_it(
    photos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny_dcgan: None
) -> None:
    run = tmp_path / "run"
    batch = str(2 * PER_CLASS)  # one step per epoch
    code = main(["train", "dcgan-mnist", "--images", str(photos), "--image-size", "64", "--epochs", "1",
                 "--batch-size", batch, "--out", str(run)])
    assert code == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "zoo train: note: the images in" in err and "scaled and centre-cropped to 64x64" in err
    written = json.loads((run / "config.json").read_text(encoding="utf-8"))
    assert (written["config"]["image_size"], written["config"]["channels"]) == (64, 3)
    assert written["training"]["dataset"] == "images:photos"
    model = zoo.load(run)
    assert model.sample(2, seed=0).shape == (2, 3, 64, 64)
    assert (model.image_shape, model.spec.dataset) == ((3, 64, 64), "images:photos")

    # --resume remembers the folder, its size and channels; another size is refused.
    assert main(["train", "dcgan-mnist", "--out", str(run), "--resume", "--epochs", "2"]) == 0
    assert json.loads((run / "config.json").read_text(encoding="utf-8"))["training"]["epochs"] == 2
    assert zoo.load(run).sample(1).shape == (1, 3, 64, 64)
    capsys.readouterr()
    assert main(["train", "dcgan-mnist", "--out", str(run), "--resume", "--epochs", "3",
                 "--images", str(photos), "--image-size", "32"]) == 2
    assert "image_size=32 (the run has 64)" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "error"), [
    (["dcgan-mnist", "--image-size", "30"], "image_size 30 is not supported by the DCGAN generator; supported: 16, "),
    (["pixelcnn-mnist", "--image-size", "32"],
     "pixelcnn-mnist cannot train on a folder of images: its architecture has no image_size setting, "
     "so it makes 28x28 images"),
    (["cgan-mnist", "--image-size", "32", "--images", "FLAT"],
     "cgan-mnist is conditional: it trains on labelled images, one subfolder of"),
    (["dcgan-mnist", "--data", "."], "give --images DIR, or --data ROOT and --dataset NAME, not both"),
])
def test_what_cannot_be_trained_is_refused_in_one_line(
    photos: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], error: str
) -> None:
    flat = tmp_path / "flat"
    draw(flat / "one.png", 32, (1, 2, 3))
    args = [str(flat) if arg == "FLAT" else arg for arg in args]
    images = [] if "--images" in args else ["--images", str(photos)]
    assert main(["train", *args, *images, "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"zoo train: error: {error}") and err.count("\n") == 1
    assert not (tmp_path / "run").exists()


def test_image_size_goes_with_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "dcgan-mnist", "--image-size", "32", "--out", str(tmp_path / "run")]) == 2
    assert "--image-size and --channels go with --images DIR" in capsys.readouterr().err
