"""UNIT networks (Liu et al. 2017) for 28x28 images: per-domain outer encoders and decoders around a
shared residual block on each side of a 14x14 latent code."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.image_to_image import COLOURED, DIGITS, ColouredDigitsTranslation, ResidualBlock

DOMAINS = {"a": DIGITS[0], "b": COLOURED[0]}


def encoder(channels: int, width: int) -> nn.Sequential:
    """Domain images ``(N, C, 28, 28)`` -> features ``(N, 2 * width, 14, 14)``."""
    return nn.Sequential(
        nn.Conv2d(channels, width, 7, 1, 3), nn.InstanceNorm2d(width, affine=True), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(width, 2 * width, 4, 2, 1), nn.InstanceNorm2d(2 * width, affine=True), nn.LeakyReLU(0.2, inplace=True),
        ResidualBlock(2 * width),
    )


def decoder(channels: int, width: int) -> nn.Sequential:
    """Features ``(N, 2 * width, 14, 14)`` -> domain images ``(N, C, 28, 28)`` in ``[-1, 1]``."""
    return nn.Sequential(
        ResidualBlock(2 * width),
        nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.InstanceNorm2d(width, affine=True), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(width, channels, 7, 1, 3), nn.Tanh(),
    )


class UNITNetworks(ColouredDigitsTranslation):
    """``b2a`` (coloured -> MNIST, the default) and ``a2b`` through the shared latent code.

    ``inputs_from(digits, seed=s)`` colours digits (styles drawn from ``s``);
    ``translate(coloured)`` encodes them and decodes the code as MNIST digits
    (the code's mean: no sampling at inference); ``sample(n)`` translates ``n``
    stored coloured training digits.
    """

    def __init__(self, width: int = 16, examples: int = 1024) -> None:
        super().__init__(examples)
        self.encoders = nn.ModuleDict({name: encoder(channels, width) for name, channels in DOMAINS.items()})
        self.decoders = nn.ModuleDict({name: decoder(channels, width) for name, channels in DOMAINS.items()})
        self.shared_encoder = ResidualBlock(2 * width)
        self.shared_decoder = ResidualBlock(2 * width)

    def encode(self, x: torch.Tensor, domain: str) -> torch.Tensor:
        """Images of ``domain`` (``"a"`` or ``"b"``) in ``[-1, 1]`` -> latent codes (the posterior mean)."""
        return self.shared_encoder(self.encoders[domain](x))

    def decode(self, code: torch.Tensor, domain: str) -> torch.Tensor:
        """Latent codes -> images of ``domain`` in ``[-1, 1]``."""
        return self.decoders[domain](self.shared_decoder(code))

    def forward(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        """Images in ``[-1, 1]`` -> their translation in ``direction`` (``"a2b"`` or ``"b2a"``)."""
        source, target = direction.split("2")
        return self.decode(self.encode(x, source), target)
