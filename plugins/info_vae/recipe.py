"""InfoVAE recipe (Zhao, Song and Ermon 2019), with alpha = 1 - ``kl_weight`` and lambda = ``mmd_weight`` + alpha:

    E_q[-log p(x|z)] + (1 - alpha) KL(q(z|x) || p(z)) + (alpha + lambda - 1) MMD(q(z), p(z)),

the MMD taken between the batch's reparameterised codes and as many draws of N(0, I). Matching the
aggregate posterior q(z) to the prior keeps the codes informative where a strong KL term would not.
The defaults are alpha = 1 (no KL term: the MMD-VAE) and an MMD weight of 10, on grey levels.
"""
from __future__ import annotations

import torch

from zoo.train.mmd import mmd
from zoo.train.settings import NON_NEGATIVE
from zoo.train.vae import VAERecipe


class InfoVAERecipe(VAERecipe):
    defaults = {**VAERecipe.defaults, "epochs": 20, "iw_samples": 1, "binarize": False, "kl_weight": 0.0,
                "mmd_weight": 10.0}
    bounds = {**VAERecipe.bounds, "mmd_weight": NON_NEGATIVE}

    def regulariser(self, mean: torch.Tensor, logvar: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
        divergence = mmd(z, torch.randn_like(z))
        return self.hparams["mmd_weight"] * divergence, {"mmd": divergence.item()}
