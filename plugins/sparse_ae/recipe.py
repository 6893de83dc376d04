"""Sparse autoencoder recipe: ||x - dec(enc(x))||^2 + sparsity * sum_i |enc_i(x)|.

The penalty weight ramps up linearly over the first ``warmup_epochs``: at full
weight from the start, the L1 term pushes most ReLU units below zero for every
input before the reconstruction has taught them anything, and they never recover.
"""
from __future__ import annotations

import torch

from zoo.train.autoencoder import AutoencoderRecipe
from zoo.train.settings import NON_NEGATIVE

from .model import SparseAutoencoder


class SparseRecipe(AutoencoderRecipe):
    defaults = {**AutoencoderRecipe.defaults, "sparsity": 0.1, "warmup_epochs": 1}
    bounds = {**AutoencoderRecipe.bounds, "sparsity": NON_NEGATIVE, "warmup_epochs": NON_NEGATIVE}
    model_class = SparseAutoencoder

    def penalty(self, codes: torch.Tensor) -> torch.Tensor:
        warmup_steps = max(1, round(self.hparams["warmup_epochs"] * self.steps_per_epoch))
        ramp = min(1.0, self.scheduler.last_epoch / warmup_steps)
        return ramp * self.hparams["sparsity"] * codes.abs().sum(1).mean()
