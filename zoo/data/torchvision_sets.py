"""Loaders for datasets that ``torchvision.datasets`` has, for plugins that register one.

A local copy in torchvision's folder layout (``ROOT/CLASS/raw``) is read as
it is; a missing one is downloaded when online.
"""
from __future__ import annotations

from pathlib import Path

from zoo.data.datasets import ImageData, default_root
from zoo.errors import ZooError


def load_torchvision(class_name: str, root: Path | None, train: bool) -> ImageData:
    """The split of ``torchvision.datasets.<class_name>`` under ``root`` (default ``$ZOO_DATA`` or ``./data``)."""
    import torchvision.datasets as tvd

    root = root if root is not None else default_root()
    cls = getattr(tvd, class_name)
    try:
        dataset = cls(str(root), train=train, download=False)
    except RuntimeError:
        try:
            dataset = cls(str(root), train=train, download=True)
        except Exception as exc:  # noqa: BLE001 - any download failure means the same to the user
            raise ZooError(
                f"{class_name} is not under {root / class_name / 'raw'} and could not be downloaded ({exc}); "
                f"pass --data pointing at a folder that holds {class_name}/raw"
            ) from None
    images = dataset.data.unsqueeze(1).float().div_(255.0)
    return ImageData(images, dataset.targets.long())
