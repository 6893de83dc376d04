"""The DCGAN networks (Radford, Metz and Chintala 2015) that several GAN flavours share.

They build for square images of side ``base * 2**stages``, ``base`` 4 to 7 and
at least two stages: the generator grows a ``base x base`` map by transposed
convolutions that double its side (28: 7 -> 14 -> 28; 64: 4 -> 8 -> 16 -> 32 ->
64), the discriminator mirrors it with strided convolutions. Each stage halves
(generator) or doubles (discriminator) the channels, from ``width`` next to the
image.
"""
from __future__ import annotations

from typing import Any, Mapping

import torch
from torch import nn

from zoo.models.base import ConditionalModel, GenerativeModel
from zoo.models.noise import SampleNoise
from zoo.models.clusters import SelfConditioned
from zoo.models.latent import GaussianLatents
from zoo.models.layers import one_hot
from zoo.models.shapes import DEFAULT_IMAGE_SIZE, positive_setting

BASES = (4, 5, 6, 7)  # sides of the smallest feature map
MIN_STAGES = 2


def supported_sizes(up_to: int = 128) -> list[int]:
    """The image sizes the DCGAN networks build, up to ``up_to``."""
    return sorted(base * 2**stages for base in BASES for stages in range(MIN_STAGES, 8) if base * 2**stages <= up_to)


def dcgan_layout(image_size: Any, network: str) -> tuple[int, int]:
    """``(base, stages)`` with ``image_size == base * 2**stages``; a ``ValueError`` listing the
    sizes that work if there are none."""
    if isinstance(image_size, int) and not isinstance(image_size, bool) and image_size > 0:
        base, stages = image_size, 0
        while base % 2 == 0 and base >= 2 * BASES[0]:
            base, stages = base // 2, stages + 1
        if base in BASES and stages >= MIN_STAGES:
            return base, stages
    raise ValueError(
        f"image_size {image_size!r} is not supported by the {network}; supported: "
        f"{', '.join(map(str, supported_sizes()))}, ... (4, 5, 6 or 7 times a power of two, at least 16)"
    )


def dcgan_init(module: nn.Module) -> None:
    """N(0, 0.02) weights for convolutions and linear layers, N(1, 0.02) for batch norm."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def upsampler(width: int, channels: int, stages: int = MIN_STAGES) -> list[nn.Module]:
    """A map of ``width * 2**(stages - 1)`` channels -> an image of ``channels`` in [-1, 1],
    ``2**stages`` times its side."""
    layers: list[nn.Module] = []
    for stage in range(stages - 1, 0, -1):
        wide, narrow = width * 2**stage, width * 2 ** (stage - 1)
        layers += [nn.ConvTranspose2d(wide, narrow, 4, 2, 1, bias=False), nn.BatchNorm2d(narrow), nn.ReLU(inplace=True)]
    return layers + [nn.ConvTranspose2d(width, channels, 4, 2, 1), nn.Tanh()]


def downsampler(channels: int, width: int, slope: float, stages: int = MIN_STAGES) -> list[nn.Module]:
    """An image of ``channels`` -> a map of ``width * 2**(stages - 1)`` channels, ``2**stages``
    times smaller (leaky ReLU of ``slope``)."""
    layers: list[nn.Module] = [nn.Conv2d(channels, width, 4, 2, 1), nn.LeakyReLU(slope, inplace=True)]
    for stage in range(1, stages):
        narrow, wide = width * 2 ** (stage - 1), width * 2**stage
        layers += [
            nn.Conv2d(narrow, wide, 4, 2, 1, bias=False), nn.BatchNorm2d(wide), nn.LeakyReLU(slope, inplace=True)
        ]
    return layers


class DCGANGenerator(GaussianLatents, SelfConditioned, GenerativeModel):
    """z -> ``base x base`` feature map -> ... -> image, tanh output mapped to [0, 1].

    With ``clusters`` = K > 0 the generator is self-conditioned (Liu et al. 2020):
    the one-hot id of a cluster of the training images joins the noise, and
    ``sample`` draws the ids in proportion to the clusters' sizes (the buffer
    ``cluster_weights``), so no label is ever needed.
    """

    def __init__(
        self, latent_dim: int = 100, width: int = 64, channels: int = 1, clusters: int = 0,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__()
        base, stages = dcgan_layout(image_size, "DCGAN generator")
        channels = positive_setting(channels, "channels", "DCGAN generator")
        self.latent_dim = latent_dim
        self.image_shape = (channels, image_size, image_size)
        self.register_clusters(clusters)
        top = width * 2 ** (stages - 1)
        self.net = nn.Sequential(
            nn.Linear(latent_dim + clusters, top * base * base, bias=False),
            nn.Unflatten(1, (top, base, base)),
            nn.BatchNorm2d(top),
            nn.ReLU(inplace=True),
            *upsampler(width, channels, stages),
        )
        self.apply(dcgan_init)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Latents (and cluster ids when self-conditioned) -> images in [-1, 1] (the training range)."""
        return self.net(self.join_cluster_ids(z, labels))

    def generate(self, noise: SampleNoise) -> torch.Tensor:
        z = self.latent_noise(noise, self.latent_dim)
        return self(z, self.draw_cluster_ids(noise)).add_(1).mul_(0.5)


class ConditionalDCGANGenerator(ConditionalModel, DCGANGenerator):
    """The one-hot label joins the noise: ``sample(n, labels=...)`` draws images of the given
    classes (uniform random classes if None)."""

    def __init__(
        self, latent_dim: int = 100, width: int = 64, channels: int = 1, num_classes: int = 10,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__(latent_dim + num_classes, width, channels, image_size=image_size)
        self.latent_dim = latent_dim
        self.num_classes = num_classes

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([z, one_hot(labels, self.num_classes, z)], 1))

    def generate(self, noise: SampleNoise, labels: torch.Tensor) -> torch.Tensor:
        return self(self.latent_noise(noise, self.latent_dim), labels).add_(1).mul_(0.5)


class DCGANDiscriminator(nn.Module):
    """Image in [-1, 1] -> one real/fake logit (28: 28 -> 14 -> 7 -> 4 feature maps).

    With ``clusters`` > 0 it also takes ids (k-means clusters of a self-conditioned
    GAN, or the classes of a conditional one) and adds the projection term
    <embed(id), features> (Miyato and Koyama 2018) to the logit.
    """

    def __init__(
        self, width: int = 64, channels: int = 1, clusters: int = 0, image_size: int = DEFAULT_IMAGE_SIZE
    ) -> None:
        super().__init__()
        base, stages = dcgan_layout(image_size, "DCGAN discriminator")
        channels = positive_setting(channels, "channels", "DCGAN discriminator")
        top, side = width * 2**stages, (base + 1) // 2  # after a last 3x3 convolution of stride 2
        self.net = nn.Sequential(
            *downsampler(channels, width, 0.2, stages),
            nn.Conv2d(top // 2, top, 3, 2, 1, bias=False),
            nn.BatchNorm2d(top),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Flatten(),
            nn.Linear(top * side * side, 1),
        )
        self.embed = nn.Embedding(clusters, top * side * side) if clusters else None
        self.apply(dcgan_init)
        if self.embed is not None:
            nn.init.normal_(self.embed.weight, 0.0, 0.02)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.embed is None:
            return self.net(x).squeeze(1)
        features = self.net[:-1](x)
        return self.net[-1](features).squeeze(1) + (self.embed(labels) * features).sum(1)


DISCRIMINATOR_SETTINGS = ("width", "channels", "clusters", "image_size")


def discriminator_for(config: Mapping[str, Any]) -> DCGANDiscriminator:
    """The discriminator that matches a DCGAN generator's config (width, channels, clusters,
    image_size; a setting the config leaves out keeps its default, as in the generator)."""
    return DCGANDiscriminator(**{key: config[key] for key in DISCRIMINATOR_SETTINGS if key in config})
