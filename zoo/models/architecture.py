"""What a model's architecture is: image shape, latent size and conditioning, read off the built model.

The config is the one source of these facts. A spec (with its config, or
another one, such as a run's or a pinned ``config.json``'s) is built on the
meta device, which holds no memory; a model already built is asked directly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from torch import nn

from zoo.core.spec import ModelSpec
from zoo.hub.folders import meta_model
from zoo.models.capabilities import Capability, capabilities


@dataclass(frozen=True)
class Architecture:
    """``image_shape`` ``(C, H, W)`` of its images, ``latent_dim`` (None without a latent code) and
    ``num_classes`` (0 unless it takes ``labels=`` when sampling)."""

    image_shape: tuple[int, int, int]
    latent_dim: int | None
    num_classes: int

    @property
    def conditional(self) -> bool:
        return self.num_classes > 0


def architecture(source: ModelSpec | nn.Module, config: Mapping[str, Any] | None = None) -> Architecture:
    """The architecture of a built model, or of ``source``'s spec built on the meta device from
    ``config`` (default: the spec's own)."""
    model = source if isinstance(source, nn.Module) else meta_model(source, config)
    latent_dim = getattr(model, "latent_dim", None)
    return Architecture(
        image_shape=tuple(model.image_shape),
        latent_dim=latent_dim if isinstance(latent_dim, int) else None,
        num_classes=model.num_classes if Capability.LABELS in capabilities(model) else 0,
    )

