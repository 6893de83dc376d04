"""WAE-MMD recipe (Tolstikhin et al. 2018): squared reconstruction error plus ``mmd_weight`` times the MMD
between the batch's codes and as many draws of the prior N(0, I), inverse multiquadratic kernels."""
from __future__ import annotations

import torch

from zoo.train.autoencoder import AutoencoderRecipe
from zoo.train.mmd import mmd
from zoo.train.settings import NON_NEGATIVE


class WAERecipe(AutoencoderRecipe):
    defaults = {**AutoencoderRecipe.defaults, "epochs": 20, "batch_size": 100, "mmd_weight": 10.0}
    bounds = {**AutoencoderRecipe.bounds, "mmd_weight": NON_NEGATIVE}
    min_useful_steps = 2000

    def penalty(self, codes: torch.Tensor) -> torch.Tensor:
        return self.hparams["mmd_weight"] * mmd(codes, torch.randn_like(codes))
