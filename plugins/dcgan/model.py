"""DCGAN generator and discriminator for 28x28 images."""
from __future__ import annotations

from typing import Any, Mapping

import torch
from torch import nn

from zoo.models.layers import one_hot
from zoo.models.base import GenerativeModel


def dcgan_init(module: nn.Module) -> None:
    """N(0, 0.02) weights for convolutions and linear layers, N(1, 0.02) for batch norm."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def upsampler(width: int, channels: int) -> list[nn.Module]:
    """A 7x7 map of ``2 * width`` channels -> a 28x28 image of ``channels`` in [-1, 1]."""
    return [
        nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False),
        nn.BatchNorm2d(width),
        nn.ReLU(inplace=True),
        nn.ConvTranspose2d(width, channels, 4, 2, 1),
        nn.Tanh(),
    ]


def downsampler(channels: int, width: int, slope: float) -> list[nn.Module]:
    """A 28x28 image of ``channels`` -> a 7x7 map of ``2 * width`` channels (leaky ReLU of ``slope``)."""
    return [
        nn.Conv2d(channels, width, 4, 2, 1),
        nn.LeakyReLU(slope, inplace=True),
        nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False),
        nn.BatchNorm2d(2 * width),
        nn.LeakyReLU(slope, inplace=True),
    ]


class DCGANGenerator(GenerativeModel):
    """z -> 7x7 feature map -> 14x14 -> 28x28, tanh output mapped to [0, 1].

    With ``clusters`` = K > 0 the generator is self-conditioned (Liu et al. 2020):
    the one-hot id of a cluster of the training images joins the noise, and
    ``sample`` draws the ids in proportion to the clusters' sizes (the buffer
    ``cluster_weights``), so no label is ever needed.
    """

    def __init__(self, latent_dim: int = 100, width: int = 64, channels: int = 1, clusters: int = 0) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.image_shape = (channels, 28, 28)
        self.clusters = clusters
        if clusters:
            self.register_buffer("cluster_weights", torch.full((clusters,), 1.0 / clusters))
        self.net = nn.Sequential(
            nn.Linear(latent_dim + clusters, 2 * width * 7 * 7, bias=False),
            nn.Unflatten(1, (2 * width, 7, 7)),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(inplace=True),
            *upsampler(width, channels),
        )
        self.apply(dcgan_init)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Latents (and cluster ids when self-conditioned) -> images in [-1, 1] (the training range)."""
        if self.clusters:
            z = torch.cat([z, one_hot(labels, self.clusters, z)], 1)
        return self.net(z)

    def generate(self, count: int, rng: torch.Generator) -> torch.Tensor:
        z = self.noise(count, rng, self.latent_dim)
        ids = None
        if self.clusters:
            ids = torch.multinomial(self.cluster_weights.float().cpu(), count, replacement=True, generator=rng)
        return self(z, ids).add_(1).mul_(0.5)


class DCGANDiscriminator(nn.Module):
    """28x28 image in [-1, 1] -> one real/fake logit (28 -> 14 -> 7 -> 4 feature maps).

    With ``clusters`` > 0 it also takes cluster ids and adds the projection
    term <embed(id), features> (Miyato and Koyama 2018) to the logit.
    """

    def __init__(self, width: int = 64, channels: int = 1, clusters: int = 0) -> None:
        super().__init__()
        self.net = nn.Sequential(
            *downsampler(channels, width, 0.2),
            nn.Conv2d(2 * width, 4 * width, 3, 2, 1, bias=False),
            nn.BatchNorm2d(4 * width),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Flatten(),
            nn.Linear(4 * width * 4 * 4, 1),
        )
        self.embed = nn.Embedding(clusters, 4 * width * 4 * 4) if clusters else None
        self.apply(dcgan_init)
        if self.embed is not None:
            nn.init.normal_(self.embed.weight, 0.0, 0.02)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.embed is None:
            return self.net(x).squeeze(1)
        features = self.net[:-1](x)
        return self.net[-1](features).squeeze(1) + (self.embed(labels) * features).sum(1)


def discriminator_for(config: Mapping[str, Any]) -> DCGANDiscriminator:
    """The discriminator that matches a DCGAN generator's config (width, channels, clusters)."""
    return DCGANDiscriminator(config["width"], config["channels"], config.get("clusters", 0))
