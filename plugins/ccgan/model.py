"""CC-GAN generator (Denton et al. 2016) for 28x28 digits: an encoder-decoder (the core U-Net) fills the
grey centre square from its context."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.image_to_image import Inpainting, UNet


class CCGANGenerator(Inpainting):
    """Digits with a grey ``hole`` x ``hole`` centre -> whole digits.

    ``inputs_from(digits)`` paints the centre grey (deterministic);
    ``translate(masked)`` fills it in and keeps the rest; ``sample(n)``
    inpaints ``n`` stored masked training digits.
    """

    metric_notes = {"kept": "fraction of test digits, centre masked and inpainted, that the zoo's MNIST "
                    "classifier gives the digit's own label"}

    def __init__(self, width: int = 16, hole: int = 12, examples: int = 1024) -> None:
        super().__init__(UNet(1, 1, width), hole, examples)


class ContextCritic(nn.Module):
    """28x28 images in ``[-1, 1]`` -> ``classes + 1`` logits: one per class, the last for "fake"."""

    def __init__(self, classes: int, width: int = 32) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(width, 2 * width, 4, 2, 1), nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(2 * width, 4 * width, 3, 2, 1), nn.BatchNorm2d(4 * width), nn.LeakyReLU(0.2, inplace=True),
            nn.Flatten(), nn.Dropout(0.3), nn.Linear(4 * width * 16, classes + 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
