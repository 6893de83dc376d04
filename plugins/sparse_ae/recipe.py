"""Sparse autoencoder recipe: ||x - dec(enc(x))||^2 + sparsity * sum_i |enc_i(x)|."""
from __future__ import annotations

import torch

from zoo_plugins.ae.recipe import AutoencoderRecipe

from .model import SparseAutoencoder


class SparseRecipe(AutoencoderRecipe):
    defaults = {**AutoencoderRecipe.defaults, "sparsity": 0.1}
    model_class = SparseAutoencoder

    def penalty(self, codes: torch.Tensor) -> torch.Tensor:
        return self.hparams["sparsity"] * codes.abs().sum(1).mean()
