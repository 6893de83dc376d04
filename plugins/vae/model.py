"""Variational autoencoder with a Gaussian encoder and a Bernoulli MLP decoder."""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F

from zoo.autoencoders import Autoencoder, mlp

IMPORTANCE_SAMPLES = 100


class VAE(Autoencoder):
    """q(z|x) = N(mean(x), diag(exp(logvar(x)))), p(z) = N(0, I), p(x|z) Bernoulli.

    ``cond_dim`` > 0 appends a condition vector ``y`` to the inputs of both
    networks (used by the conditional VAE). ``encode`` gives the posterior mean.
    """

    metric_notes = {
        **Autoencoder.metric_notes,
        "elbo": "evidence lower bound, nats per image, on the test set binarised once with seed 0 (higher is better)",
        "nll_is": "negative log-likelihood, nats per image, importance-sampled with q(z|x) (lower is better)",
        "nll_is_samples": "importance samples per test image for nll_is (and elbo)",
    }

    def __init__(
        self, latent_dim: int = 8, hidden: Sequence[int] = (512, 256), channels: int = 1, cond_dim: int = 0
    ) -> None:
        super().__init__(latent_dim, (channels, 28, 28))
        self.encoder = mlp([self.image_size + cond_dim, *hidden, 2 * latent_dim])
        self.decoder = mlp([latent_dim + cond_dim, *hidden[::-1], self.image_size])

    @staticmethod
    def _join(a: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        return a if y is None else torch.cat([a, y], 1)

    def posterior(self, x: torch.Tensor, y: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of q(z|x)."""
        mean, logvar = self.encoder(self._join(x.flatten(1), y)).chunk(2, dim=1)
        return mean, logvar

    def decode_logits(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.decoder(self._join(z, y)).view(-1, *self.image_shape)

    def encode_batch(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.posterior(x, y)[0]

    def decode_batch(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.sigmoid(self.decode_logits(z, y))

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Training pass: posterior mean and log-variance, and the logits of p(x|z) for one
        reparameterised draw z = mean + exp(logvar / 2) * eps."""
        mean, logvar = self.posterior(x, y)
        z = mean + (0.5 * logvar).exp() * torch.randn_like(mean)
        return mean, logvar, self.decode_logits(z, y)

    def log_weights(
        self, x: torch.Tensor, samples: int, rng: torch.Generator, y: torch.Tensor | None = None
    ) -> torch.Tensor:
        """log p(x, z_k) - log q(z_k|x) for ``samples`` draws z_k ~ q(z|x): ``(samples, n)``, binary x."""
        mean, logvar = self.posterior(x, y)
        std = (0.5 * logvar).exp()
        eps = torch.randn(samples, *mean.shape, generator=rng).to(mean.device, mean.dtype)
        z = mean + std * eps
        ys = None if y is None else y.expand(samples, *y.shape).flatten(0, 1)
        logits = self.decode_logits(z.flatten(0, 1), ys).flatten(1)
        target = x.flatten(1).repeat(samples, 1)
        log_px = -F.binary_cross_entropy_with_logits(logits, target, reduction="none").sum(1).view(samples, -1)
        log_pz = -0.5 * (z.square() + math.log(2 * math.pi)).sum(2)
        log_qz = -0.5 * (eps.square() + logvar + math.log(2 * math.pi)).sum(2)
        return log_px + log_pz - log_qz

    @torch.inference_mode()
    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """Adds the ELBO and the importance-sampled NLL (nats per image) of the test set,
        binarised once with seed 0, from ``IMPORTANCE_SAMPLES`` draws of q(z|x) per image."""
        metrics = super().evaluation_metrics(images, labels)
        rng = torch.Generator().manual_seed(0)
        binary = torch.bernoulli(images, generator=rng)
        elbo = nll = 0.0
        for start in range(0, images.shape[0], 100):
            x = binary[start : start + 100].to(self.device, self.dtype)
            inputs = self.condition_inputs(x.shape[0], **self.test_conditioning(labels[start : start + 100]))
            log_w = self.log_weights(x, IMPORTANCE_SAMPLES, rng, **inputs).double()
            elbo += log_w.mean(0).sum().item()
            nll -= (log_w.logsumexp(0) - math.log(IMPORTANCE_SAMPLES)).sum().item()
        metrics["elbo"] = round(elbo / images.shape[0], 2)
        metrics["nll_is"] = round(nll / images.shape[0], 2)
        metrics["nll_is_samples"] = IMPORTANCE_SAMPLES
        return metrics
