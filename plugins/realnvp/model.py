"""Real NVP's multi-scale architecture for 28x28 grey images, from the core flow layers."""
from __future__ import annotations

from torch import nn

from zoo.models.flows import AffineCoupling, NormalizingFlow, Split, Squeeze, channel_mask, checkerboard


def scale(channels: int, size: int, hidden: int, blocks: int, couplings: int, squeeze: bool) -> list[nn.Module]:
    """One scale: ``couplings`` checkerboard couplings, then (with ``squeeze``) a squeeze and
    ``couplings`` channel couplings, each mask the complement of the one before."""
    layers: list[nn.Module] = [
        AffineCoupling(checkerboard(channels, size, size, flip=k % 2 == 1), hidden, blocks) for k in range(couplings)
    ]
    if squeeze:
        channels, size = 4 * channels, size // 2
        layers.append(Squeeze())
        layers += [AffineCoupling(channel_mask(channels, size, size, flip=k % 2 == 1), hidden, blocks) for k in range(couplings)]
    return layers


class RealNVP(NormalizingFlow):
    """Scale 1 on (1, 28, 28), squeeze to (4, 14, 14), factor out half; scale 2 on (2, 14, 14), squeeze to
    (8, 7, 7), factor out half; a last ``couplings + 1`` checkerboard couplings on (4, 7, 7)."""

    image_shape = (1, 28, 28)

    def __init__(self, hidden: int = 32, blocks: int = 1, couplings: int = 3) -> None:
        layers = scale(1, 28, hidden, blocks, couplings, squeeze=True) + [Split()]
        layers += scale(2, 14, hidden, blocks, couplings, squeeze=True) + [Split()]
        layers += scale(4, 7, hidden, blocks, couplings + 1, squeeze=False)
        super().__init__(layers)
