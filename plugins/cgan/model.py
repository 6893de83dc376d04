"""Conditional MLP generator (Mirza and Osindero 2014): the one-hot label joins the noise."""
from __future__ import annotations

from typing import Sequence

import torch

from zoo.models.base import ConditionalModel
from zoo.models.noise import SampleNoise
from zoo.models.layers import one_hot
from zoo.models.mlp_gan import MLPGenerator
from zoo.models.shapes import DEFAULT_IMAGE_SIZE


class ConditionalMLPGenerator(ConditionalModel, MLPGenerator):
    """``sample(n, labels=...)`` draws digits of the given classes (uniform random classes if None)."""

    def __init__(
        self, latent_dim: int = 100, hidden: Sequence[int] = (256, 512, 1024), channels: int = 1, num_classes: int = 10,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__(latent_dim, hidden, channels, cond_dim=num_classes, image_size=image_size)
        self.num_classes = num_classes

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([z, one_hot(labels, self.num_classes, z)], 1))

    def generate(self, noise: SampleNoise, labels: torch.Tensor) -> torch.Tensor:
        return self(self.latent_noise(noise, self.latent_dim), labels).add_(1).mul_(0.5)
