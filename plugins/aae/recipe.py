"""Adversarial autoencoder recipe (Makhzani et al. 2016), per batch:

1. the discriminator learns to tell prior draws z ~ N(0, I) from codes enc(x);
2. encoder and decoder minimise the pixel cross-entropy of the reconstruction
   plus ``adv_weight`` times the encoder's loss at fooling the discriminator.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.train.trainer import Recipe
from zoo.train.settings import FRACTION, NON_NEGATIVE, RATE

from .model import AdversarialAutoencoder, CodeDiscriminator


def _bce(logits: torch.Tensor, target: float) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


class AAERecipe(Recipe):
    defaults = {"epochs": 15, "batch_size": 128, "lr": 1e-3, "lr_d": 2e-4, "betas": [0.5, 0.999], "adv_weight": 5.0}
    bounds = {**Recipe.bounds, "lr": RATE, "lr_d": RATE, "betas": FRACTION, "adv_weight": NON_NEGATIVE}
    min_useful_steps = 1000

    def setup(self) -> None:
        hp = self.hparams
        self.model = AdversarialAutoencoder(**self.model_config).to(self.device)
        self.discriminator = CodeDiscriminator(self.model.latent_dim).to(self.device)
        self.opt_ae = torch.optim.Adam(self.model.parameters(), lr=hp["lr"], betas=tuple(hp["betas"]))
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=hp["lr_d"], betas=tuple(hp["betas"]))

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        codes, logits = self.model(images)

        prior = torch.randn_like(codes)
        loss_d = _bce(self.discriminator(prior), 1.0) + _bce(self.discriminator(codes.detach()), 0.0)
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)

        recon = F.binary_cross_entropy_with_logits(logits, images, reduction="none").flatten(1).sum(1).mean()
        fool = _bce(self.discriminator(codes), 1.0)
        self.opt_ae.zero_grad(set_to_none=True)
        self.backward(recon + self.hparams["adv_weight"] * fool)
        self.optimizer_step(self.opt_ae)
        return {"recon": recon.item(), "loss_d": loss_d.item(), "fool": fool.item()}

    def export_model(self) -> AdversarialAutoencoder:
        return self.model
