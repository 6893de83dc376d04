"""The evaluation network of the toy shapes: a tiny CNN with an exposed feature layer."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.base import check_images
from zoo.models.capabilities import Capability

from .data import SIDE


class ShapesClassifier(nn.Module):
    """Images in [0, 1] -> class logits; ``features`` gives the penultimate layer, ``head`` the logits."""

    provides = (Capability.CLASSIFY,)

    def __init__(self, width: int = 8, features: int = 32, classes: int = 4) -> None:
        super().__init__()
        self.image_shape = (1, SIDE, SIDE)
        self.body = nn.Sequential(
            nn.Conv2d(1, width, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(2 * width * (SIDE // 4) ** 2, features),
            nn.ReLU(),
        )
        self.head = nn.Linear(features, classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = check_images(x, self.image_shape)
        return self.body(x.to(self.head.weight.dtype) * 2 - 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))
