"""Conditional VAE: encoder q(z|x, y) and decoder p(x|z, y) both see the one-hot label."""
from __future__ import annotations

from typing import Sequence

from zoo.models.autoencoder import ConditionalAutoencoder
from zoo.models.shapes import DEFAULT_IMAGE_SIZE
from zoo.models.vae import VAE


class CVAE(ConditionalAutoencoder, VAE):
    """``sample(n, labels=...)`` draws z ~ N(0, I) and decodes it with the given classes."""

    quoted_nll = ()  # the papers' numbers are for p(x), not p(x | label)
    metric_notes = {
        **VAE.metric_notes,
        "elbo": "evidence lower bound on log p(x | true label), nats per image, test set binarised once with seed 0",
        "nll_is": "-log p(x | true label), nats per image, importance-sampled with q(z|x, y) (lower is better)",
        "label_accuracy": "fraction of samples asked for class k (each class equally often) that the classifier calls k",
    }

    def __init__(
        self, latent_dim: int = 4, hidden: Sequence[int] = (512, 256), channels: int = 1, num_classes: int = 10,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__(latent_dim, hidden, channels, cond_dim=num_classes, image_size=image_size)
        self.num_classes = num_classes
