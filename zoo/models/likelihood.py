"""The likelihood interface: ``log_likelihood(x)`` in nats per image of binary images.

Autoregressive models (:class:`AutoregressiveModel`) compute it exactly;
latent-variable models estimate it (the VAE by importance sampling). Every
such model is measured the same way, on the test set binarised once with
seed 0 (:func:`binarise`), by :func:`nll_metrics`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import torch
import torch.nn.functional as F

from zoo.models.base import GenerativeModel, check_count, check_images
from zoo.models.capabilities import Capability

EVAL_BATCH = 500
EVAL_SEED = 0


@dataclass(frozen=True)
class QuotedNLL:
    """A test NLL from a paper's table, in nats per image on ``dataset``: quoted for comparison, not measured here."""

    model: str
    nll: float
    source: str
    dataset: str

    @property
    def label(self) -> str:
        return f"{self.model} ({self.source})"


def check_binary_images(x: Any, shape: tuple[int, int, int], what: str = "x") -> torch.Tensor:
    """Validate a batch of images whose pixels are all exactly 0 or 1."""
    x = check_images(x, shape, what)
    if ((x != 0) & (x != 1)).any():
        raise ValueError(
            f"{what} must be binary (every pixel 0 or 1); binarise grey images first, "
            "e.g. torch.bernoulli(x) or (x > 0.5).float()"
        )
    return x


def binarise(images: torch.Tensor, seed: int = EVAL_SEED) -> torch.Tensor:
    """Stochastic binarisation x ~ Bernoulli(pixel), drawn on the CPU from ``seed``."""
    return torch.bernoulli(images.cpu(), generator=torch.Generator().manual_seed(seed))


def nll_metrics(log_likelihood: Callable[[torch.Tensor], torch.Tensor], images: torch.Tensor) -> dict[str, float]:
    """NLL in nats per image and bits per pixel of ``images`` binarised by :func:`binarise`."""
    binary = binarise(images)
    nll = -log_likelihood(binary).double().mean().item()
    pixels = math.prod(images.shape[1:])
    return {"nll": round(nll, 2), "bits_per_dim": round(nll / (pixels * math.log(2)), 4)}


class AutoregressiveModel(GenerativeModel):
    """p(x) = prod_t Bernoulli(x_t; sigmoid(logit_t(x_<t))) over the pixels in raster order.

    Subclasses implement ``forward(x)``: the teacher-forced logits of every
    pixel given the pixels before it, any shape with ``N * C * H * W`` entries.
    ``quoted_nll`` are the papers' numbers a flavour compares itself with,
    each on its dataset; the bench shows those of the dataset it measures on
    beside the measured NLL.
    """

    provides = (Capability.LIKELIHOOD,)

    quoted_nll: tuple[QuotedNLL, ...] = ()
    metric_notes = {
        "nll": "exact negative log-likelihood, nats per image, of the test set binarised once with seed 0 "
        "(x ~ Bernoulli(pixel); lower is better)",
        "bits_per_dim": "the same NLL in bits per pixel: nll / (784 ln 2)",
    }

    @torch.inference_mode()
    def log_likelihood(self, x: torch.Tensor, batch_size: int = EVAL_BATCH) -> torch.Tensor:
        """Exact ``log p(x)`` in nats, one value per image ``(N,)``, of binary images
        ``(N, C, H, W)``, computed in teacher-forced batches of ``batch_size``."""
        x = check_binary_images(x, self.image_shape)
        batch_size = check_count(batch_size, "batch_size")
        totals = []
        for chunk in x.split(batch_size):
            target = chunk.to(self.device, self.dtype)
            logits = self(target).reshape(target.shape)
            totals.append(-F.binary_cross_entropy_with_logits(logits, target, reduction="none").flatten(1).sum(1))
        return torch.cat(totals)

    @torch.inference_mode()
    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """Exact NLL of the test set binarised once with seed 0, in nats per image and bits per pixel."""
        return nll_metrics(self.log_likelihood, images)
