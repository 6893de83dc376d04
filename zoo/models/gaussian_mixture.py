"""A full-covariance Gaussian mixture over codes, fitted by expectation-maximisation.

Ex-post density estimation (Ghosh et al. 2020, "From variational to deterministic
autoencoders"): once a VAE is trained, a mixture fitted to the posterior means
of the training images gives codes that land where the decoder was trained,
more closely than the prior the VAE was trained with when that prior cannot
follow the shape of the codes (a diagonal mixture against correlated codes, or
a KL term weighted below one).
"""
from __future__ import annotations

import math

import torch
from torch import nn

from zoo.models.shapes import positive_setting
from zoo.models.noise import SampleNoise

EM_ITERATIONS = 40
COVARIANCE_FLOOR = 1e-4  # added to each component's covariance diagonal, so that it stays invertible


class GaussianMixtureCodePrior(nn.Module):
    """``components`` Gaussians with full covariances and fitted weights, stored as buffers.

    Until :meth:`fit` has run, ``fitted`` is false and the buffers hold no
    information (uniform weights, zero means, identity covariances).
    """

    def __init__(self, dim: int, components: int) -> None:
        super().__init__()
        components = positive_setting(components, "code_prior_components", "Gaussian mixture code prior")
        self.register_buffer("weights", torch.full((components,), 1.0 / components))
        self.register_buffer("means", torch.zeros(components, dim))
        self.register_buffer("scale_tril", torch.eye(dim).repeat(components, 1, 1))
        self.register_buffer("fitted", torch.zeros((), dtype=torch.bool))

    @property
    def components(self) -> int:
        return self.weights.shape[0]

    def log_prob(self, codes: torch.Tensor) -> torch.Tensor:
        """log density of each code ``(n, dim)`` under the mixture: ``(n,)``."""
        return _log_joint(codes, self.weights, self.means, self.scale_tril).logsumexp(1)

    @torch.no_grad()
    def fit(self, codes: torch.Tensor, seed: int = 0, iterations: int = EM_ITERATIONS) -> None:
        """Fit weights, means and covariances to ``codes`` ``(n, dim)`` by EM, starting from
        ``components`` codes drawn with ``seed`` as means and the codes' covariance for each."""
        n, dim = codes.shape
        if n < self.components:
            raise ValueError(f"cannot fit {self.components} mixture components to {n} codes; give at least as many codes")
        codes = codes.detach().double().cpu()
        floor = COVARIANCE_FLOOR * torch.eye(dim, dtype=codes.dtype)
        start = torch.randperm(n, generator=torch.Generator().manual_seed(seed))[: self.components]
        weights = torch.full((self.components,), 1.0 / self.components, dtype=codes.dtype)
        means = codes[start].clone()
        covariances = (torch.cov(codes.T).reshape(dim, dim) + floor).repeat(self.components, 1, 1)
        for _ in range(iterations):
            resp = _log_joint(codes, weights, means, torch.linalg.cholesky(covariances)).softmax(1)
            counts = resp.sum(0).clamp_min(1e-12)
            weights = counts / n
            means = resp.T @ codes / counts[:, None]
            covariances = torch.stack([
                ((codes - mean) * r[:, None]).T @ (codes - mean) for mean, r in zip(means, resp.T)
            ]) / counts[:, None, None] + floor
        self.weights.copy_(weights)
        self.means.copy_(means)
        self.scale_tril.copy_(torch.linalg.cholesky(covariances))
        self.fitted.fill_(True)

    def sample(self, noise: SampleNoise) -> torch.Tensor:
        """One code per generator of ``noise`` (drawn on the CPU), on the buffers' device."""
        component = noise.choice(self.weights)
        eps = noise.normal(self.means.shape[1], 1)
        component, eps = component.to(self.means.device), eps.to(self.means.device, self.means.dtype)
        return self.means[component] + (self.scale_tril[component] @ eps).squeeze(-1)


def _log_joint(codes: torch.Tensor, weights: torch.Tensor, means: torch.Tensor, scale_tril: torch.Tensor) -> torch.Tensor:
    """log w_k + log N(code; mean_k, L_k L_k^T) for every code and component: ``(n, components)``."""
    dim = codes.shape[1]
    distances = torch.stack([
        torch.linalg.solve_triangular(tril, (codes - mean).T, upper=False).square().sum(0)
        for mean, tril in zip(means, scale_tril)
    ], 1)
    log_det = 2 * scale_tril.diagonal(dim1=1, dim2=2).log().sum(-1)
    return weights.log() - 0.5 * (distances + log_det + dim * math.log(2 * math.pi))
