"""FactorVAE recipe (Kim and Mnih 2018), per batch:

1. a discriminator learns to tell the batch's codes z ~ q(z) from codes whose dimensions were each
   shuffled across the batch (draws of prod_d q(z_d));
2. the VAE minimises the single-draw negative ELBO plus ``gamma`` times the discriminator's logit on
   its codes, the density-ratio estimate of the total correlation KL(q(z) || prod_d q(z_d)).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.models.autoencoder import mlp
from zoo.train.settings import FRACTION, NON_NEGATIVE, RATE
from zoo.train.vae import VAERecipe


def shuffle_dims(z: torch.Tensor) -> torch.Tensor:
    """Each column of ``z`` permuted on its own across the batch."""
    order = torch.argsort(torch.rand(z.shape, device=z.device), dim=0)
    return z.gather(0, order)


class FactorVAERecipe(VAERecipe):
    defaults = {
        **VAERecipe.defaults, "epochs": 20, "iw_samples": 1, "gamma": 6.0, "lr_d": 1e-4, "betas_d": [0.5, 0.9],
    }
    bounds = {**VAERecipe.bounds, "gamma": NON_NEGATIVE, "lr_d": RATE, "betas_d": FRACTION}

    def setup(self) -> None:
        super().setup()
        self.discriminator = mlp([self.model.latent_dim, 512, 512, 1]).to(self.device)
        self.opt_d = torch.optim.Adam(
            self.discriminator.parameters(), lr=self.hparams["lr_d"], betas=tuple(self.hparams["betas_d"])
        )

    def regulariser(self, mean: torch.Tensor, logvar: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
        codes = z.detach()
        joint, product = self.discriminator(codes).squeeze(1), self.discriminator(shuffle_dims(codes)).squeeze(1)
        loss_d = (F.binary_cross_entropy_with_logits(joint, torch.ones_like(joint))
                  + F.binary_cross_entropy_with_logits(product, torch.zeros_like(product)))
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)
        tc = self.discriminator(z).mean()
        return self.hparams["gamma"] * tc, {"tc": tc.item(), "loss_d": loss_d.item()}
