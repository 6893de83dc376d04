"""VampPrior VAE: p(z) = (1/K) sum_k q(z | u_k), the encoder's posteriors of K learned pseudo-inputs u_k."""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from zoo.models.likelihood import QuotedNLL
from zoo.models.noise import SampleNoise
from zoo.models.shapes import DEFAULT_IMAGE_SIZE
from zoo.models.vae import VAE, log_mixture, log_normal


class VampVAE(VAE):
    """:class:`zoo.models.vae.VAE` whose prior is the VampPrior of ``pseudo_inputs`` learned images
    (pixels sigmoid(``pseudo_logits``) in (0, 1)); ``sample`` draws a pseudo-input, then a code from its posterior."""

    quoted_nll = (
        QuotedNLL("VAE with VampPrior, 1 stochastic layer", 85.57, "Tomczak and Welling 2018", "mnist"),
        QuotedNLL("VAE, standard prior, 1 stochastic layer", 88.56, "Tomczak and Welling 2018", "mnist"),
        QuotedNLL("HVAE (2 levels) with VampPrior", 83.19, "Tomczak and Welling 2018", "mnist"),
    )

    def __init__(
        self, latent_dim: int = 32, hidden: Sequence[int] = (512, 512), channels: int = 1, pseudo_inputs: int = 500,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__(latent_dim, hidden, channels=channels, image_size=image_size)
        self.pseudo_logits = nn.Parameter(torch.zeros(pseudo_inputs, *self.image_shape))

    @torch.no_grad()
    def set_pseudo_inputs(self, images: torch.Tensor) -> None:
        """Start the pseudo-inputs at ``images`` in [0, 1] (one per pseudo-input)."""
        self.pseudo_logits.copy_(torch.logit(images.to(self.pseudo_logits) * 0.98 + 0.01))

    def prior_components(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Means and log-variances ``(K, latent_dim)`` of the posteriors of the pseudo-inputs."""
        return self.posterior(torch.sigmoid(self.pseudo_logits))

    def log_prior(self, z: torch.Tensor) -> torch.Tensor:
        return log_mixture(z, *self.prior_components())

    def kl_to_prior(self, mean: torch.Tensor, logvar: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return log_normal(z, mean, logvar) - self.log_prior(z)

    def draw_codes(self, noise: SampleNoise) -> torch.Tensor:
        means, logvars = self.prior_components()
        component = noise.integers(means.shape[0]).to(self.device)
        eps = self.latent_noise(noise, self.latent_dim)
        return means[component] + (0.5 * logvars[component]).exp() * eps
