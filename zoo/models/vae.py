"""Variational autoencoder with a Gaussian encoder and a Bernoulli MLP decoder, for images of any size."""
from __future__ import annotations

import math
from typing import Any, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from zoo.models.autoencoder import Autoencoder, mlp
from zoo.models.likelihood import binarise, check_binary_images
from zoo.models.base import check_count
from zoo.models.noise import SampleNoise
from zoo.models.gaussian_mixture import GaussianMixtureCodePrior
from zoo.models.shapes import DEFAULT_IMAGE_SIZE, square_image_shape
from zoo.models.capabilities import Capability

IMPORTANCE_SAMPLES = 1000  # draws of q(z|x) per image for the NLL estimate, as in Burda et al. (2016)
EVAL_ROWS = 20000  # decoder rows (images times draws) per batch when estimating likelihoods
LOG_2PI = math.log(2 * math.pi)


def log_normal(z: torch.Tensor, mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """log N(z; mean, diag(exp(logvar))), summed over the last dimension."""
    return -0.5 * ((z - mean).square() / logvar.exp() + logvar + LOG_2PI).sum(-1)


def log_mixture(z: torch.Tensor, means: torch.Tensor, logvars: torch.Tensor) -> torch.Tensor:
    """log density of codes ``(..., D)`` under an equally weighted mixture of the diagonal Gaussians
    N(means[k], diag(exp(logvars[k]))) ``(K, D)``, each expanded into two matrix products: no (..., K, D) tensor."""
    precision = (-logvars).exp()
    constant = (means.square() * precision + logvars + LOG_2PI).sum(-1)
    quadratic = z.square() @ precision.T - 2 * z @ (means * precision).T + constant
    return (-0.5 * quadratic).logsumexp(-1) - math.log(means.shape[0])


class VAE(Autoencoder):
    """q(z|x) = N(mean(x), diag(exp(logvar(x)))), p(x|z) Bernoulli.

    The prior p(z) is N(0, I), or with ``prior_components`` = K > 0 an equally
    weighted mixture of K diagonal Gaussians whose means and log-variances are
    learned with the rest of the ELBO. A learned prior follows the aggregate
    posterior, so samples from it land where the decoder was trained instead of
    in the gaps between the clusters of codes that N(0, I) covers.
    ``cond_dim`` > 0 appends a condition vector ``y`` to the inputs of both
    networks (used by the conditional VAE). ``encode`` gives the posterior mean.

    With ``code_prior_components`` = M > 0 the model also holds a
    :class:`GaussianMixtureCodePrior` of M full-covariance components
    (``code_prior``), which the training recipe fits to the posterior means of
    the training images when training ends; once fitted, ``sample`` draws its
    codes from it. ``log_prior`` and the likelihoods stay those of the prior
    the model was trained with.
    """

    provides = (Capability.LIKELIHOOD,)

    metric_notes = {
        **Autoencoder.metric_notes,
        "elbo": "evidence lower bound, nats per image, on the test set binarised once with seed 0 (higher is better)",
        "nll_is": "negative log-likelihood, nats per image, importance-sampled with q(z|x) (lower is better)",
        "nll_is_samples": "importance samples per test image for nll_is (and elbo)",
    }

    def __init__(
        self,
        latent_dim: int = 8,
        hidden: Sequence[int] = (512, 256),
        channels: int = 1,
        cond_dim: int = 0,
        prior_components: int = 0,
        image_size: int = DEFAULT_IMAGE_SIZE,
        code_prior_components: int = 0,
    ) -> None:
        super().__init__(latent_dim, square_image_shape(channels, image_size, "VAE"))
        if code_prior_components:
            self.code_prior = GaussianMixtureCodePrior(latent_dim, code_prior_components)
        self.encoder = mlp([self.image_size + cond_dim, *hidden, 2 * latent_dim])
        self.decoder = mlp([latent_dim + cond_dim, *hidden[::-1], self.image_size])
        self.prior_means = self.prior_logvars = None
        if prior_components > 0:
            self.prior_means = nn.Parameter(torch.randn(prior_components, latent_dim))
            self.prior_logvars = nn.Parameter(torch.zeros(prior_components, latent_dim))

    @staticmethod
    def _join(a: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        return a if y is None else torch.cat([a, y], 1)

    def posterior(self, x: torch.Tensor, y: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of q(z|x)."""
        mean, logvar = self.encoder(self._join(x.flatten(1), y)).chunk(2, dim=1)
        return mean, logvar

    def log_prior(self, z: torch.Tensor) -> torch.Tensor:
        """log p(z) for codes ``(..., latent_dim)``, summed over the code's dimensions."""
        if self.prior_means is None:
            return -0.5 * (z.square() + LOG_2PI).sum(-1)
        return log_mixture(z, self.prior_means, self.prior_logvars)

    def kl_to_prior(self, mean: torch.Tensor, logvar: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """KL(q(z|x) || p(z)) per image: closed form for N(0, I), else the one-draw
        estimate log q(z|x) - log p(z) at the reparameterised code ``z``."""
        if self.prior_means is None:
            return 0.5 * (mean.square() + logvar.exp() - 1 - logvar).sum(1)
        return log_normal(z, mean, logvar) - self.log_prior(z)

    def draw_codes(self, noise: SampleNoise) -> torch.Tensor:
        if self.code_prior is not None and bool(self.code_prior.fitted):
            return self.code_prior.sample(noise).to(self.dtype)
        if self.prior_means is None:
            return self.latent_noise(noise, self.latent_dim)
        component = noise.integers(self.prior_means.shape[0]).to(self.device)
        eps = self.latent_noise(noise, self.latent_dim)
        return self.prior_means[component] + (0.5 * self.prior_logvars[component]).exp() * eps

    def decode_logits(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.decoder(self._join(z, y)).view(-1, *self.image_shape)

    def encode_batch(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.posterior(x, y)[0]

    def decode_batch(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.sigmoid(self.decode_logits(z, y))

    def forward(
        self, x: torch.Tensor, y: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Training pass: posterior mean and log-variance, one reparameterised draw
        z = mean + exp(logvar / 2) * eps, and the logits of p(x|z)."""
        mean, logvar = self.posterior(x, y)
        z = mean + (0.5 * logvar).exp() * torch.randn_like(mean)
        return mean, logvar, z, self.decode_logits(z, y)

    def log_weights(
        self, x: torch.Tensor, samples: int, rng: torch.Generator | None = None, y: torch.Tensor | None = None,
        kl_weight: float = 1.0,
    ) -> torch.Tensor:
        """log p(x|z_k) + kl_weight * (log p(z_k) - log q(z_k|x)) for ``samples`` draws
        z_k ~ q(z|x): ``(samples, n)``; ``kl_weight`` 1 gives the log-weights of the bound.

        The draws come from ``rng`` on the CPU when given, else from torch's
        global generator on the model's device (as in training).
        """
        mean, logvar = self.posterior(x, y)
        std = (0.5 * logvar).exp()
        if rng is None:
            eps = torch.randn(samples, *mean.shape, device=mean.device, dtype=mean.dtype)
        else:
            eps = torch.randn(samples, *mean.shape, generator=rng).to(mean.device, mean.dtype)
        z = mean + std * eps
        ys = None if y is None else y.expand(samples, *y.shape).flatten(0, 1)
        logits = self.decode_logits(z.flatten(0, 1), ys).view(samples, x.shape[0], -1)
        log_px = (logits * x.flatten(1)).sum(-1) - F.softplus(logits).sum(-1)  # Bernoulli log-likelihood
        log_pz = self.log_prior(z)
        log_qz = -0.5 * (eps.square() + logvar + LOG_2PI).sum(2)
        return log_px + kl_weight * (log_pz - log_qz)

    @torch.inference_mode()
    def importance_estimates(
        self, x: torch.Tensor, samples: int = IMPORTANCE_SAMPLES, seed: int = 0, batch_size: int = EVAL_ROWS,
        **conditioning: Any,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Importance-sampled ``log p(x)`` and the ELBO, in nats, one value each per image ``(N,)``.

        ``log p(x) ~ log (1/K) sum_k p(x, z_k) / q(z_k|x)`` with K = ``samples``
        draws z_k ~ q(z|x), a lower bound in expectation that tightens as K
        grows; the ELBO is the mean of the same log-weights. The draws come
        from a CPU generator seeded with ``seed``, so the same arguments give
        the same numbers. At most ``batch_size`` decoder rows (images times
        draws) are in memory at once.
        """
        x = check_binary_images(x, self.image_shape)
        samples = check_count(samples, "samples")
        batch_size = check_count(batch_size, "batch_size")
        inputs = self.condition_inputs(x.shape[0], **conditioning)
        rng = torch.Generator().manual_seed(seed)
        images = max(1, batch_size // samples)  # whole images per chunk when all their draws fit
        draws = min(samples, batch_size)
        log_px, elbo = [], []
        for start in range(0, x.shape[0], images):
            chunk = x[start : start + images].to(self.device, self.dtype)
            y = {key: value[start : start + images] for key, value in inputs.items()}
            log_w = torch.cat([
                self.log_weights(chunk, min(draws, samples - done), rng, **y).double()
                for done in range(0, samples, draws)
            ])
            log_px.append(log_w.logsumexp(0) - math.log(samples))
            elbo.append(log_w.mean(0))
        return torch.cat(log_px), torch.cat(elbo)

    def log_likelihood(
        self, x: torch.Tensor, samples: int = IMPORTANCE_SAMPLES, seed: int = 0, batch_size: int = EVAL_ROWS,
        **conditioning: Any,
    ) -> torch.Tensor:
        """Importance-sampled ``log p(x)`` (conditional models: ``log p(x | labels)``) in nats,
        one value per binary image ``(N, C, H, W)``: see :meth:`importance_estimates`."""
        return self.importance_estimates(x, samples, seed, batch_size, **conditioning)[0]

    @torch.inference_mode()
    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """Adds the ELBO and the importance-sampled NLL (nats per image) of the test set,
        binarised once with seed 0, from ``IMPORTANCE_SAMPLES`` draws of q(z|x) per image."""
        metrics = super().evaluation_metrics(images, labels)
        log_px, elbo = self.importance_estimates(binarise(images), **self.test_conditioning(labels))
        metrics["elbo"] = round(elbo.mean().item(), 2)
        metrics["nll_is"] = round(-log_px.mean().item(), 2)
        metrics["nll_is_samples"] = IMPORTANCE_SAMPLES
        return metrics
