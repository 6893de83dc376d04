"""A folder of image files as training data, read the way torchvision's ``ImageFolder`` reads it.

Each subfolder is a class (labels ``0, 1, ...`` in the order of the sorted
names; images anywhere below it belong to it); a folder whose images are not
in subfolders is one unlabelled class (labels ``-1``). Every image is scaled
so that its shorter side is ``image_size`` and centre-cropped to a square,
then read as grey (1 channel) or RGB (3 channels): as asked, else RGB when
any image has colour. Names starting with ``.`` and files of other types are
left out.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from zoo.data.datasets import ImageData
from zoo.errors import ZooError

IMAGE_SUFFIXES = (".bmp", ".gif", ".jpeg", ".jpg", ".pgm", ".png", ".ppm", ".tif", ".tiff", ".webp")
MODES = {1: "L", 3: "RGB"}  # channels -> the Pillow mode images are converted to
GREY_MODES = {"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"}
DATASET_PREFIX = "images:"  # how a run names the data it was trained on: images:FOLDER-NAME
MAX_NAMED = 10  # unreadable files named in one error


@dataclass
class FolderImages:
    """The images of a folder, their class names (none when unlabelled) and channel count."""

    data: ImageData
    classes: list[str]
    channels: int
    dataset: str


def folder_dataset(folder: Path) -> str:
    """The name a run records for data read from ``folder``."""
    return DATASET_PREFIX + folder.resolve().name


def is_folder_dataset(name: str | None) -> bool:
    """Whether a run's recorded dataset is a folder of images rather than a registered dataset."""
    return bool(name) and name.startswith(DATASET_PREFIX)


def read_image_folder(
    folder: str | Path,
    image_size: int,
    channels: int | None = None,
    note: Callable[[str], None] | None = None,
) -> FolderImages:
    """Every image under ``folder`` as ``image_size`` squares in ``[0, 1]``; ``note`` hears what was changed."""
    folder = Path(folder).expanduser()
    if not isinstance(image_size, int) or isinstance(image_size, bool) or image_size <= 0:
        raise ZooError(f"the image size must be a positive number of pixels, got {image_size!r}")
    if channels is not None and channels not in MODES:
        raise ZooError(f"channels must be 1 (grey) or 3 (RGB), got {channels!r}")
    files, labels, classes = _find_images(folder)
    pictures: list[torch.Tensor] = []
    sizes: Counter[tuple[int, int]] = Counter()
    unreadable: list[str] = []
    for path in files:
        try:
            picture, size = _read(path, image_size, channels)
        except Exception as exc:  # noqa: BLE001 - whatever Pillow raises, the file cannot be used
            unreadable.append(f"{path.relative_to(folder)} ({str(exc) or type(exc).__name__})")
            continue
        pictures.append(picture)
        sizes[size] += 1
    if unreadable:
        more = f"; and {len(unreadable) - MAX_NAMED} more" if len(unreadable) > MAX_NAMED else ""
        raise ZooError(
            f"cannot read {len(unreadable)} of the {len(files)} image files in {folder}: "
            f"{'; '.join(unreadable[:MAX_NAMED])}{more}. Remove or replace them"
        )
    resized = _resize_note(folder, sizes, image_size)
    if resized and note is not None:
        note(resized)
    found = channels or max(picture.shape[0] for picture in pictures)
    images = torch.stack([picture.expand(found, -1, -1) for picture in pictures]).float().div_(255.0)
    data = ImageData(images, torch.tensor(labels, dtype=torch.long))
    return FolderImages(data, classes, found, folder_dataset(folder))


def _find_images(folder: Path) -> tuple[list[Path], list[int], list[str]]:
    """The image files, their labels and the class names: one class per subfolder that holds images."""
    if not folder.is_dir():
        raise ZooError(f"{folder} is not a folder" if folder.exists() else f"there is no folder {folder}")
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    by_class = {sub.name: _images_below(sub) for sub in subfolders}
    by_class = {name: found for name, found in by_class.items() if found}
    if by_class:
        classes = list(by_class)
        files = [path for name in classes for path in by_class[name]]
        labels = [index for index, name in enumerate(classes) for _ in by_class[name]]
        return files, labels, classes
    files = _images_in(folder)
    if not files:
        raise ZooError(
            f"{folder} holds no image files ({', '.join(IMAGE_SUFFIXES)}): put the images in it, "
            f"or in one subfolder per class"
        )
    return files, [-1] * len(files), []


def _is_image(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".") and path.suffix.lower() in IMAGE_SUFFIXES


def _images_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if _is_image(p))


def _images_below(folder: Path) -> list[Path]:
    hidden = lambda p: any(part.startswith(".") for part in p.relative_to(folder).parts)  # noqa: E731
    return sorted(p for p in folder.rglob("*") if _is_image(p) and not hidden(p))


def _read(path: Path, image_size: int, channels: int | None) -> tuple[torch.Tensor, tuple[int, int]]:
    """One image as uint8 ``(C, S, S)``: with ``channels``, or 1 for grey and 3 for colour images."""
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        image.load()
        size = image.size
        mode = MODES[channels] if channels else ("L" if image.mode in GREY_MODES else "RGB")
        square = ImageOps.fit(image.convert(mode), (image_size, image_size), Image.Resampling.BILINEAR)
    pixels = torch.frombuffer(bytearray(square.tobytes()), dtype=torch.uint8)
    return pixels.view(image_size, image_size, len(square.getbands())).permute(2, 0, 1), size


def _resize_note(folder: Path, sizes: Counter[tuple[int, int]], image_size: int) -> str | None:
    """One line saying which images were scaled, or None when all already had the size."""
    target = f"{image_size}x{image_size}"
    if list(sizes) == [(image_size, image_size)]:
        return None
    if len(sizes) == 1:
        (width, height), = sizes
        return f"the images in {folder} are {width}x{height}; each is scaled and centre-cropped to {target}"
    common = ", ".join(f"{width}x{height} ({count})" for (width, height), count in sizes.most_common(3))
    others = f" and {len(sizes) - 3} more sizes" if len(sizes) > 3 else ""
    return (
        f"the images in {folder} have {len(sizes)} sizes ({common}{others}); "
        f"each is scaled and centre-cropped to {target}"
    )
