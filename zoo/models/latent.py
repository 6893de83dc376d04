"""Models with a latent space: the codes ``sample`` draws, and the images of given codes.

The same methods on GAN generators and autoencoders, so that walks between
codes (interpolation, arithmetic) need not know the family:
``latent_codes(n, seed=s)`` gives the ``(n, latent_dim)`` codes that
``sample(n, seed=s)`` turns into images, ``latent_conditioning(n, seed=s)``
what else it draws (labels, cluster ids, codes), and ``from_latent_codes(z,
**conditioning)`` turns codes into images in ``[0, 1]``:
``from_latent_codes(latent_codes(n, seed=s), **latent_conditioning(n, seed=s))``
equals ``sample(n, seed=s)``. ``gaussian_latents``
says whether the codes are N(0, I) draws, for which the natural path between
two codes is the great circle (spherical interpolation), not the straight line.
"""
from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import torch

from zoo.models.base import ConditionalModel, check_count, check_indices
from zoo.models.clusters import SelfConditioned
from zoo.models.capabilities import Capability
from zoo.models.noise import CONDITIONING, SampleNoise


@runtime_checkable
class LatentSpace(Protocol):
    """What a model with a latent space offers."""

    latent_dim: int
    gaussian_latents: bool

    def latent_codes(self, n: int, *, seed: int | None = None) -> torch.Tensor: ...

    def latent_conditioning(self, n: int, *, seed: int | None = None) -> dict[str, Any]: ...

    def from_latent_codes(self, z: torch.Tensor, **conditioning: Any) -> torch.Tensor: ...


def latent_path(a: torch.Tensor, b: torch.Tensor, steps: int, spherical: bool) -> torch.Tensor:
    """``steps`` codes from code ``a`` to code ``b`` (ends included), ``(steps, latent_dim)``: on the
    great circle between them (spherical interpolation) or on the straight line."""
    t = torch.linspace(0.0, 1.0, check_count(steps, "steps"), dtype=torch.float64).unsqueeze(1)
    a64, b64 = a.reshape(1, -1).double(), b.reshape(1, -1).double()
    omega = torch.arccos((a64 @ b64.T / (a64.norm() * b64.norm()).clamp(min=1e-12)).clamp(-1.0, 1.0)).squeeze()
    if not spherical or omega < 1e-6:
        return torch.lerp(a64, b64, t).to(a.dtype)
    return ((torch.sin((1 - t) * omega) * a64 + torch.sin(t * omega) * b64) / torch.sin(omega)).to(a.dtype)


def check_latents(z: Any, latent_dim: int) -> torch.Tensor:
    """``z`` if it is a finite float tensor ``(N, latent_dim)``, else a ``TypeError``/``ValueError``."""
    if not isinstance(z, torch.Tensor):
        raise TypeError(f"codes must be a torch.Tensor of shape (N, {latent_dim}), got {type(z).__name__}")
    if z.dim() != 2 or z.shape[1] != latent_dim:
        raise ValueError(f"codes must have shape (N, {latent_dim}), got {tuple(z.shape)}")
    if not z.is_floating_point():
        raise TypeError(f"codes must be a float tensor, got dtype {z.dtype}")
    if not torch.isfinite(z).all():
        raise ValueError("codes contain NaN or Inf values")
    return z


class GaussianLatents:
    """For GAN generators whose code is the N(0, I) noise each image draws first, of
    ``latent_dim`` values, and whose ``forward(z, labels)`` gives images in ``[-1, 1]``
    (a generator whose ``forward`` takes other conditioning overrides ``from_latent_codes``).

    ``labels`` of ``from_latent_codes`` are classes for a conditional generator
    (required) and cluster ids for a self-conditioned one (default: its
    largest cluster, for every code); other generators take none.
    """

    provides = (Capability.LATENT_WALK,)

    gaussian_latents = True
    latent_dim: int

    def latent_codes(self, n: int, *, seed: int | None = None) -> torch.Tensor:
        """The codes ``sample(n, seed=seed)`` draws, ``(n, latent_dim)`` float32 on the CPU."""
        return SampleNoise.seeded(seed, check_count(n)).normal(self.latent_dim)

    def latent_conditioning(self, n: int, *, seed: int | None = None) -> dict[str, Any]:
        """What ``sample(n, seed=seed)`` draws beside its codes (labels, cluster ids), as the keyword
        arguments of ``from_latent_codes``: with them it gives the same images."""
        drawn = self.split_conditioning(check_count(n), SampleNoise.seeded(seed, n, CONDITIONING))
        if self._clusters():
            noise = SampleNoise.seeded(seed, n)
            noise.normal(self.latent_dim)  # each image's stream draws its code first, then its cluster
            drawn["labels"] = self.draw_cluster_ids(noise)
        return drawn

    @torch.inference_mode()
    def from_latent_codes(self, z: torch.Tensor, labels: Any = None) -> torch.Tensor:
        """Images ``(N, C, H, W)`` in ``[0, 1]`` of codes ``z`` ``(N, latent_dim)``."""
        z = check_latents(z, self.latent_dim).to(self.device, self.dtype)
        ids = self._latent_labels(len(z), labels)
        return self(z, ids).add_(1).mul_(0.5).float().clamp_(0.0, 1.0)

    def _latent_labels(self, n: int, labels: Any) -> torch.Tensor | None:
        if isinstance(self, ConditionalModel):
            if labels is None:
                raise ValueError(f"{type(self).__name__} is conditional: pass labels= (one class per code)")
            return check_indices(labels, n, self.num_classes).to(self.device)
        clusters = self._clusters()
        if not clusters:
            if labels is not None:
                raise TypeError(f"{type(self).__name__} is not conditional: it takes no labels")
            return None
        if labels is None:
            return self.cluster_weights.argmax().expand(n).to(self.device)
        return check_indices(labels, n, clusters, "labels (cluster ids)").to(self.device)

    def _clusters(self) -> int:
        return self.cluster_count() if isinstance(self, SelfConditioned) else 0
