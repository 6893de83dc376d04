"""ESRGAN generator (Wang et al. 2018) for 4x super-resolution of 7x7 digits to 28x28: residual-in-
residual dense blocks (RRDB), no batch norm, residuals scaled by 0.2, nearest upsampling + convolution, and
a linear last convolution as in the paper (no tanh: under the L1 loss, whose early optimum is a black
image, a tanh saturates and the generator never leaves black); translations are clamped to ``[0, 1]``."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from zoo.models.image_to_image import SuperResolution

FACTOR = 4
RESIDUAL_SCALE = 0.2


class DenseBlock(nn.Module):
    """Five 3x3 convolutions, each seeing the block's input and every earlier output; x + 0.2 * last."""

    def __init__(self, width: int, growth: int) -> None:
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(width + i * growth, growth, 3, 1, 1) for i in range(4))
        self.last = nn.Conv2d(width + 4 * growth, width, 3, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = [x]
        for conv in self.convs:
            features.append(F.leaky_relu(conv(torch.cat(features, 1)), 0.2))
        return x + RESIDUAL_SCALE * self.last(torch.cat(features, 1))


class RRDB(nn.Module):
    """Three dense blocks in a row, their sum scaled by 0.2 around the input."""

    def __init__(self, width: int, growth: int) -> None:
        super().__init__()
        self.body = nn.Sequential(*(DenseBlock(width, growth) for _ in range(3)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + RESIDUAL_SCALE * self.body(x)


class ESRGANGenerator(SuperResolution):
    """7x7 digits (area averages of 4x4 blocks) -> 28x28 digits.

    ``inputs_from(digits)`` shrinks digits 4 times; ``translate(small)``
    upsamples them; ``sample(n)`` upsamples ``n`` stored small training digits.
    """

    metric_notes = {"kept": "fraction of test digits, shrunk to 7x7 and upsampled, that the zoo's MNIST "
                    "classifier gives the digit's own label"}

    def __init__(self, width: int = 32, growth: int = 16, blocks: int = 2, examples: int = 1024) -> None:
        super().__init__(FACTOR, examples)
        self.stem = nn.Conv2d(1, width, 3, 1, 1)
        self.trunk = nn.Sequential(*(RRDB(width, growth) for _ in range(blocks)), nn.Conv2d(width, width, 3, 1, 1))
        self.up1 = nn.Conv2d(width, width, 3, 1, 1)
        self.up2 = nn.Conv2d(width, width, 3, 1, 1)
        self.head = nn.Sequential(nn.Conv2d(width, width, 3, 1, 1), nn.LeakyReLU(0.2), nn.Conv2d(width, 1, 3, 1, 1))

    def translate_batch(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        return self(x * 2 - 1).clamp(-1.0, 1.0).add(1).mul(0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """7x7 images in ``[-1, 1]`` -> 28x28 images, ``[-1, 1]`` once trained (not clamped: the losses see
        the linear output)."""
        features = self.stem(x)
        features = features + self.trunk(features)
        for conv in (self.up1, self.up2):
            features = F.leaky_relu(conv(F.interpolate(features, scale_factor=2, mode="nearest")), 0.2)
        return self.head(features)
