"""Training a flavour on a folder of images: the model config the images need, checked before they are read."""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import torch

from zoo.core.spec import ModelSpec
from zoo.data.datasets import ImageData
from zoo.data.folders import read_image_folder
from zoo.errors import ZooError
from zoo.models.architecture import architecture

SHAPE_SETTINGS = ("image_size", "channels")


@dataclass
class FolderRun:
    """What a run on a folder of images trains on, and the settings its model is built with."""

    data: ImageData
    dataset: str
    model_config: dict[str, Any]


def check_buildable(spec: ModelSpec, config: dict[str, Any]) -> None:
    """Build ``spec``'s architecture from ``config``: a flavour without ``image_size`` and ``channels``
    settings is refused, and one that cannot make that size raises its ``ValueError`` naming the sizes
    it can. (On the CPU: the meta device would hold no memory, but takes seconds to start.)"""
    builder = spec.builder()
    parameters = inspect.signature(builder).parameters.values()
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)
    missing = [key for key in SHAPE_SETTINGS if not takes_any and key not in {p.name for p in parameters}]
    if missing:
        channels, height, width = architecture(spec).image_shape
        raise ZooError(
            f"{spec.name} cannot train on a folder of images: its architecture has no "
            f"{' or '.join(missing)} setting, so it makes {height}x{width} images of {channels} channel(s) only"
        )
    with torch.no_grad():
        builder(**config)


def folder_run(
    spec: ModelSpec,
    folder: str | Path,
    image_size: int,
    channels: int | None = None,
    note: Callable[[str], None] | None = None,
) -> FolderRun:
    """Read ``folder`` for ``spec`` at ``image_size`` (channels as given, else from the images)."""
    check_buildable(spec, {**spec.config, "image_size": image_size, "channels": channels or 1})
    found = read_image_folder(folder, image_size, channels, note)
    config: dict[str, Any] = {"image_size": image_size, "channels": found.channels}
    if architecture(spec).conditional:
        if not found.classes:
            raise ZooError(
                f"{spec.name} is conditional: it trains on labelled images, one subfolder of {folder} per class"
            )
        if "num_classes" in spec.config:
            config["num_classes"] = len(found.classes)
    check_buildable(spec, {**spec.config, **config})
    return FolderRun(found.data, found.dataset, config)
