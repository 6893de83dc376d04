"""Glow's multi-scale architecture for 28x28 grey images, from the core flow layers."""
from __future__ import annotations

from torch import nn

from zoo.models.flows import ActNorm, AffineCoupling, InvertibleConv, NormalizingFlow, Split, Squeeze, channel_mask


def flow_steps(channels: int, size: int, hidden: int, blocks: int, steps: int) -> list[nn.Module]:
    """``steps`` times: actnorm, an invertible 1x1 convolution, an affine coupling of half the channels."""
    layers: list[nn.Module] = []
    for _ in range(steps):
        layers += [ActNorm(channels), InvertibleConv(channels), AffineCoupling(channel_mask(channels, size, size, False), hidden, blocks)]
    return layers


class Glow(NormalizingFlow):
    """Squeeze to (4, 14, 14), ``steps`` flow steps, factor out half; squeeze (2, 14, 14) to (8, 7, 7),
    ``steps`` flow steps."""

    image_shape = (1, 28, 28)

    def __init__(self, hidden: int = 64, blocks: int = 1, steps: int = 8) -> None:
        layers = [Squeeze(), *flow_steps(4, 14, hidden, blocks, steps), Split()]
        layers += [Squeeze(), *flow_steps(8, 7, hidden, blocks, steps)]
        super().__init__(layers)
