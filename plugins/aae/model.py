"""Adversarial autoencoder: a deterministic autoencoder whose codes a discriminator
pushes towards the prior N(0, I), so sampling decodes draws from that prior."""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from zoo.models.autoencoder import mlp
from zoo.models.mlp_autoencoder import MLPAutoencoder
from zoo.models.shapes import DEFAULT_IMAGE_SIZE


class AdversarialAutoencoder(MLPAutoencoder):
    """:class:`MLPAutoencoder` with prior N(0, I) instead of a fitted Gaussian."""

    metric_notes = {
        **MLPAutoencoder.metric_notes,
        "confident_fraction": "samples decode draws from N(0, I), the prior the discriminator matched the codes to",
    }

    def __init__(
        self, latent_dim: int = 8, hidden: Sequence[int] = (512, 256), channels: int = 1,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__(latent_dim, hidden, channels=channels, fitted_prior=False, image_size=image_size)


class CodeDiscriminator(nn.Module):
    """Code -> logit that it was drawn from the prior rather than produced by the encoder."""

    def __init__(self, latent_dim: int = 8, hidden: Sequence[int] = (512, 512)) -> None:
        super().__init__()
        self.net = mlp([latent_dim, *hidden, 1])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).squeeze(1)
