"""SRGAN generator (Ledig et al. 2017) for 4x super-resolution of 7x7 digits to 28x28."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.image_to_image import SuperResolution

FACTOR = 4


class Block(nn.Module):
    """x + conv-BN-PReLU-conv-BN(x)."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, width, 3, 1, 1), nn.BatchNorm2d(width), nn.PReLU(width),
            nn.Conv2d(width, width, 3, 1, 1), nn.BatchNorm2d(width),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def pixel_shuffle_step(width: int) -> nn.Sequential:
    """Double the resolution: convolution to 4x the channels, pixel shuffle, PReLU."""
    return nn.Sequential(nn.Conv2d(width, 4 * width, 3, 1, 1), nn.PixelShuffle(2), nn.PReLU(width))


class SRGANGenerator(SuperResolution):
    """7x7 digits (area averages of 4x4 blocks) -> 28x28 digits.

    ``inputs_from(digits)`` shrinks digits 4 times; ``translate(small)``
    upsamples them; ``sample(n)`` upsamples ``n`` stored small training digits.
    """

    metric_notes = {"kept": "fraction of test digits, shrunk to 7x7 and upsampled, that the zoo's MNIST "
                    "classifier gives the digit's own label"}

    def __init__(self, width: int = 32, blocks: int = 4, examples: int = 1024) -> None:
        super().__init__(FACTOR, examples)
        self.stem = nn.Sequential(nn.Conv2d(1, width, 9, 1, 4), nn.PReLU(width))
        self.blocks = nn.Sequential(*(Block(width) for _ in range(blocks)),
                                    nn.Conv2d(width, width, 3, 1, 1), nn.BatchNorm2d(width))
        self.upsample = nn.Sequential(pixel_shuffle_step(width), pixel_shuffle_step(width))
        self.head = nn.Sequential(nn.Conv2d(width, 1, 9, 1, 4), nn.Tanh())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """7x7 images in ``[-1, 1]`` -> 28x28 images in ``[-1, 1]``."""
        features = self.stem(x)
        return self.head(self.upsample(features + self.blocks(features)))
