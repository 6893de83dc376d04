"""MLP generator and discriminator (Goodfellow et al. 2014), for images of any size."""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from zoo.models.base import GenerativeModel
from zoo.models.noise import SampleNoise
from zoo.models.clusters import SelfConditioned
from zoo.models.latent import GaussianLatents
from zoo.models.layers import leaky_mlp, one_hot
from zoo.models.shapes import DEFAULT_IMAGE_SIZE, square_image_shape


class MLPGenerator(GaussianLatents, SelfConditioned, GenerativeModel):
    """z (and ``cond_dim`` conditioning inputs) -> hidden layers -> pixels, tanh mapped to [0, 1].

    With ``clusters`` = K > 0 it is self-conditioned, as the DCGAN generator is: the
    one-hot id of a k-means cluster of the training images joins the noise.
    """

    def __init__(
        self, latent_dim: int = 100, hidden: Sequence[int] = (256, 512, 1024), channels: int = 1, cond_dim: int = 0,
        image_size: int = DEFAULT_IMAGE_SIZE, clusters: int = 0,
    ) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.image_shape = square_image_shape(channels, image_size, "MLP generator")
        self.register_clusters(clusters)
        layers: list[nn.Module] = []
        sizes = [latent_dim + cond_dim + clusters, *hidden]
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(fan_in, fan_out), nn.BatchNorm1d(fan_out), nn.LeakyReLU(0.2, inplace=True)]
        layers += [nn.Linear(sizes[-1], math.prod(self.image_shape)), nn.Tanh(), nn.Unflatten(1, self.image_shape)]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Latents (and cluster ids when self-conditioned) -> images in [-1, 1] (the training range)."""
        return self.net(self.join_cluster_ids(z, labels))

    def generate(self, noise: SampleNoise) -> torch.Tensor:
        z = self.latent_noise(noise, self.latent_dim)
        return self(z, self.draw_cluster_ids(noise)).add_(1).mul_(0.5)


class MLPDiscriminator(nn.Module):
    """Image (and, with ``num_classes``, a one-hot label) -> one real/fake score."""

    def __init__(
        self, hidden: Sequence[int] = (512, 256), channels: int = 1, num_classes: int = 0,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__()
        self.num_classes = num_classes
        pixels = math.prod(square_image_shape(channels, image_size, "MLP discriminator"))
        self.net = leaky_mlp([pixels + num_classes, *hidden, 1])

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        x = x.flatten(1)
        if self.num_classes:
            x = torch.cat([x, one_hot(labels, self.num_classes, x)], 1)
        return self.net(x).squeeze(1)
