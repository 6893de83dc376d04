"""WGAN-GP: the critic is kept near 1-Lipschitz by penalising ``gp_weight`` *
(||grad critic|| - 1)^2 at points between real and fake images; no batch norm in it."""
from __future__ import annotations

import torch

from zoo.models.dcgan import DCGANDiscriminator, discriminator_for
from zoo.models.layers import without_batch_norm
from zoo.train.gan import Conditioning, GANRecipe, gradient_penalty


class WGANGPRecipe(GANRecipe):
    defaults = {
        **GANRecipe.defaults,
        "epochs": 10,
        "batch_size": 320,
        "loss": "wasserstein",
        "d_steps": 5,
        "lr_g": 1e-4,
        "lr_d": 1e-4,
        "betas": [0.0, 0.9],
        "gp_weight": 10.0,
    }

    def build_discriminator(self) -> DCGANDiscriminator:
        return without_batch_norm(discriminator_for(self.model_config))

    def discriminator_loss(
        self, real: torch.Tensor, labels: torch.Tensor, fake: torch.Tensor, conditioning: Conditioning
    ) -> tuple[torch.Tensor, dict[str, float]]:
        loss, logs = super().discriminator_loss(real, labels, fake, conditioning)
        penalty = gradient_penalty(lambda images: self.discriminate(images, labels), real, fake)
        return loss + self.hparams["gp_weight"] * penalty, {**logs, "gradient_penalty": penalty.item()}
