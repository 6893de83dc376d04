"""Coupled generators and discriminators (Liu and Tuzel 2016) on the DCGAN networks."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from zoo.models.base import GenerativeModel
from zoo.models.clusters import SelfConditioned
from zoo.models.dcgan import DCGANDiscriminator, DCGANGenerator
from zoo.models.noise import SampleNoise
from zoo.models.shapes import DEFAULT_IMAGE_SIZE

DOMAINS = 2  # 0: the dataset's images, 1: their negatives


class CoupledGenerator(SelfConditioned, GenerativeModel):
    """One code -> an image in each of two domains: a shared DCGAN trunk (all layers but the
    last) and one last transposed convolution per domain. With ``clusters`` > 0 the code
    holds the one-hot id of a k-means cluster of the digits too (self-conditioned, as
    :class:`~zoo.models.dcgan.DCGANGenerator`), drawn in proportion to the clusters' sizes.

    ``sample(n, domain=0)`` draws digits (``domain=1``: their negatives);
    ``sample_pairs(n, seed=s)`` gives both images of each code, the same as the two
    ``sample`` calls with that seed.
    """

    def __init__(
        self, latent_dim: int = 100, width: int = 32, channels: int = 1, clusters: int = 0,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__()
        dcgan = DCGANGenerator(latent_dim, width, channels, clusters, image_size)
        self.register_clusters(clusters)
        self.latent_dim = latent_dim
        self.image_shape = dcgan.image_shape
        self.trunk = dcgan.net[:-2]
        self.heads = nn.ModuleList([dcgan.net[-2:]] + [
            DCGANGenerator(latent_dim, width, channels, image_size=image_size).net[-2:] for _ in range(DOMAINS - 1)
        ])

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Codes (and cluster ids when self-conditioned) -> ``(N, DOMAINS * C, H, W)`` in [-1, 1]:
        each domain's image, stacked on the channels."""
        h = self.trunk(self.join_cluster_ids(z, labels))
        return torch.cat([head(h) for head in self.heads], 1)

    def split_conditioning(self, n: int, noise: SampleNoise, domain: Any = 0, **rest: Any) -> dict[str, Any]:
        super().split_conditioning(n, noise, **rest)
        if isinstance(domain, bool) or domain not in range(DOMAINS):
            raise ValueError(f"domain must be 0 (digits) or 1 (their negatives), got {domain!r}")
        return {"domain": torch.full((n,), int(domain), dtype=torch.long)}

    def generate(self, noise: SampleNoise, domain: torch.Tensor) -> torch.Tensor:
        z = self.latent_noise(noise, self.latent_dim)
        images = self(z, self.draw_cluster_ids(noise)).unflatten(1, (DOMAINS, self.image_shape[0]))
        picked = images[torch.arange(len(images), device=images.device), domain.to(images.device)]
        return picked.add_(1).mul_(0.5)

    def sample_pairs(self, n: int, *, seed: int | None = None, **options: Any) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` codes -> (their digits, their negatives), each ``(n, C, H, W)`` in [0, 1]."""
        if seed is None:
            seed = int(torch.randint(0, 2**62, (1,)))
        return tuple(self.sample(n, seed=seed, domain=domain, **options) for domain in range(DOMAINS))


class CoupledDiscriminator(nn.Module):
    """``(N, DOMAINS * C, H, W)`` -> ``(N, DOMAINS)`` logits: a first convolution per domain,
    then the shared rest of a DCGAN discriminator. With ``clusters`` > 0 it also takes the
    cluster ids of each domain's images, ``(N,)`` (the same for both) or ``(N, DOMAINS)``,
    and adds the shared projection term <embed(id), features> (Miyato and Koyama 2018)."""

    def __init__(
        self, width: int = 32, channels: int = 1, clusters: int = 0, image_size: int = DEFAULT_IMAGE_SIZE
    ) -> None:
        super().__init__()
        nets = [DCGANDiscriminator(width, channels, clusters, image_size) for _ in range(DOMAINS)]
        self.channels = channels
        self.inputs = nn.ModuleList([net.net[:2] for net in nets])
        self.shared = nets[0].net[2:]
        self.embed = nets[0].embed

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        parts = x.split(self.channels, 1)
        features = self.shared[:-1](torch.cat([entry(part) for entry, part in zip(self.inputs, parts)]))
        logits = self.shared[-1](features).squeeze(1)
        if self.embed is not None:
            if labels is None:
                raise ValueError("this coupled discriminator is self-conditioned: pass the images' cluster ids")
            ids = labels.unsqueeze(1).expand(-1, DOMAINS) if labels.dim() == 1 else labels
            logits = logits + (self.embed(ids.T.flatten()) * features).sum(1)
        return logits.unflatten(0, (DOMAINS, x.shape[0])).T
