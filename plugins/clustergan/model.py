"""The published ClusterGAN: generator on (one-hot cluster, Gaussian noise) and the encoder back."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from zoo.models.base import GenerativeModel, check_images, check_indices
from zoo.models.dcgan import DCGANGenerator
from zoo.models.encoders import ConvEncoder
from zoo.models.noise import SampleNoise
from zoo.models.shapes import DEFAULT_IMAGE_SIZE
from zoo.models.translation import EVAL_BATCH

from .metrics import matched_accuracy, purity


class ClusterGAN(GenerativeModel):
    """``sample(n, clusters=None)`` draws images of uniformly drawn cluster ids (or of the
    given ones, one per image); ``cluster(x)`` maps images to the id of the cluster the
    encoder finds, ``encode(x)`` to that id and the noise part of the code.

    The ``generator`` takes noise of ``latent_dim`` values drawn from N(0, ``sigma``^2)
    plus the one-hot id; the ``encoder`` outputs ``latent_dim`` noise estimates and
    ``clusters`` cluster logits.
    """

    def __init__(
        self, latent_dim: int = 30, clusters: int = 10, sigma: float = 0.1, width: int = 32, channels: int = 1,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__()
        self.generator = DCGANGenerator(latent_dim, width, channels, clusters, image_size)
        self.encoder = ConvEncoder(latent_dim + clusters, width, channels, image_size)
        self.latent_dim = latent_dim
        self.clusters = clusters
        self.sigma = sigma
        self.image_shape = self.generator.image_shape

    def split_conditioning(self, n: int, noise: SampleNoise, clusters: Any = None, **rest: Any) -> dict[str, Any]:
        super().split_conditioning(n, noise, **rest)
        if clusters is None:
            return {"clusters": noise.integers(self.clusters)}
        return {"clusters": check_indices(clusters, n, self.clusters, "clusters")}

    def generate(self, noise: SampleNoise, clusters: torch.Tensor) -> torch.Tensor:
        z = self.sigma * self.latent_noise(noise, self.latent_dim)
        return self.generator(z, clusters.to(self.device)).add_(1).mul_(0.5)

    @torch.inference_mode()
    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Images ``(N, C, H, W)`` in [0, 1] -> (cluster logits ``(N, clusters)``, noise ``(N, latent_dim)``)."""
        x = check_images(x, self.image_shape).to(self.device, self.dtype)
        code = self.encoder.eval()(x * 2 - 1).float()
        return code[:, self.latent_dim:], code[:, : self.latent_dim]

    def cluster(self, x: torch.Tensor) -> torch.Tensor:
        """Images ``(N, C, H, W)`` in [0, 1] -> cluster ids ``(N,)`` (long)."""
        x = check_images(x, self.image_shape)
        return torch.cat([self.encode(batch)[0].argmax(1) for batch in x.split(EVAL_BATCH)])

    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """How the test images' clusters match their labels: ``cluster_accuracy`` (best one-to-one
        matching of clusters to classes) and ``cluster_purity``."""
        ids, labels = self.cluster(images).cpu(), labels.cpu()
        classes = int(labels.max()) + 1
        return {
            "cluster_accuracy": round(matched_accuracy(ids, labels, self.clusters, classes), 4),
            "cluster_purity": round(purity(ids, labels, self.clusters, classes), 4),
        }
