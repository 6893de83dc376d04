"""A small CNN for 28x28 digits with an exposed feature layer."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.base import check_images
from zoo.models.capabilities import Capability


class DigitClassifier(nn.Module):
    """Images in [0, 1] -> class logits; ``features`` gives the penultimate layer."""

    provides = (Capability.CLASSIFY,)

    def __init__(self, width: int = 32, features: int = 128, classes: int = 10) -> None:
        super().__init__()
        self.image_shape = (1, 28, 28)
        self.body = nn.Sequential(
            nn.Conv2d(1, width, 5, padding=2),
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 5, padding=2),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Dropout(0.3),
            nn.Linear(2 * width * 7 * 7, features),
            nn.ReLU(inplace=True),
        )
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(features, classes))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = check_images(x, self.image_shape)
        return self.body(x.to(self.head[1].weight.dtype) * 2 - 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))
