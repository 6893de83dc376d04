"""Conditional DCGAN: the one-hot label joins the noise of the generator and enters
the discriminator as constant one-hot planes stacked on the image."""
from __future__ import annotations

import torch

from zoo.models.layers import one_hot
from zoo.models.base import ConditionalModel
from zoo_plugins.dcgan.model import DCGANDiscriminator, DCGANGenerator


class ConditionalDCGANGenerator(ConditionalModel, DCGANGenerator):
    """``sample(n, labels=...)`` draws digits of the given classes (uniform random classes if None)."""

    def __init__(self, latent_dim: int = 100, width: int = 64, channels: int = 1, num_classes: int = 10) -> None:
        super().__init__(latent_dim + num_classes, width, channels)
        self.latent_dim = latent_dim
        self.num_classes = num_classes

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([z, one_hot(labels, self.num_classes, z)], 1))

    def generate(self, count: int, rng: torch.Generator, labels: torch.Tensor) -> torch.Tensor:
        return self(self.noise(count, rng, self.latent_dim), labels).add_(1).mul_(0.5)


class ConditionalDCGANDiscriminator(DCGANDiscriminator):
    """(image, label) -> one real/fake logit."""

    def __init__(self, width: int = 64, channels: int = 1, num_classes: int = 10) -> None:
        super().__init__(width, channels + num_classes)
        self.num_classes = num_classes

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        planes = one_hot(labels, self.num_classes, x)[:, :, None, None].expand(-1, -1, *x.shape[2:])
        return self.net(torch.cat([x, planes], 1)).squeeze(1)
