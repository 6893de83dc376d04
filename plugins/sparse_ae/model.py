"""A sparse autoencoder: ReLU codes, so the L1 penalty drives units to exactly zero."""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from zoo.models.mlp_autoencoder import MLPAutoencoder
from zoo.models.shapes import DEFAULT_IMAGE_SIZE


class SparseAutoencoder(MLPAutoencoder):
    """:class:`MLPAutoencoder` with a non-negative code and sparsity metrics."""

    metric_notes = {
        **MLPAutoencoder.metric_notes,
        "code_zero_fraction": "fraction of code units that are exactly zero, over the test set",
        "code_active_units": "mean number of non-zero code units per test image (of latent_dim)",
        "code_l1": "mean L1 norm of a test image's code",
    }

    def __init__(
        self, latent_dim: int = 64, hidden: Sequence[int] = (512, 256), channels: int = 1,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__(latent_dim, hidden, code_activation="relu", channels=channels, image_size=image_size)
        # every code unit starts out firing: a ReLU unit that never fires never learns
        nn.init.constant_(self.encoder[-1].bias, 1.0)

    @torch.inference_mode()
    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """Adds the code's sparsity on the test set: the fraction of zero units, the
        mean number of active units per image and the mean L1 norm of a code."""
        metrics = super().evaluation_metrics(images, labels)
        codes = torch.cat([self.encode(x) for x in images.split(1000)])
        active = (codes > 0).double()
        metrics["code_zero_fraction"] = round(1.0 - active.mean().item(), 4)
        metrics["code_active_units"] = round(active.sum(1).mean().item(), 2)
        metrics["code_l1"] = round(codes.abs().sum(1).mean().item(), 3)
        return metrics
