"""Image shapes from the ``channels`` and ``image_size`` settings of a model's config, checked."""
from __future__ import annotations

from typing import Any, Mapping

DEFAULT_IMAGE_SIZE = 28  # the published models' side: their configs do not name it


def positive_setting(value: Any, name: str, network: str) -> int:
    """``value`` if it is a positive int, else a ``ValueError`` naming the setting and the network."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} {value!r} is not supported by the {network}; it must be a positive whole number")
    return value


def square_image_shape(channels: Any, image_size: Any, network: str) -> tuple[int, int, int]:
    """``(channels, image_size, image_size)`` for a network that builds at any positive size."""
    side = positive_setting(image_size, "image_size", network)
    return positive_setting(channels, "channels", network), side, side


def image_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """The ``channels`` and ``image_size`` a generator's config sets, to build a discriminator that
    matches it (a setting the config leaves out keeps the default there too)."""
    return {key: config[key] for key in ("channels", "image_size") if key in config}
