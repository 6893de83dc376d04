"""WGAN: a critic estimates the Wasserstein-1 distance; clipping its weights to
[-clip, clip] keeps it Lipschitz. RMSprop, ``d_steps`` critic steps per generator step."""
from __future__ import annotations

from typing import Any

import torch

from zoo.gan import GANRecipe
from zoo_plugins.dcgan.model import DCGANDiscriminator, discriminator_for


class WGANRecipe(GANRecipe):
    defaults = {
        **{key: value for key, value in GANRecipe.defaults.items() if key != "betas"},
        "epochs": 20,
        "batch_size": 320,
        "loss": "wasserstein",
        "d_steps": 5,
        "lr_g": 5e-5,
        "lr_d": 5e-5,
        "clip": 0.01,
    }

    def build_discriminator(self) -> DCGANDiscriminator:
        return discriminator_for(self.model_config)

    def optimizer(self, params: Any, lr: float) -> torch.optim.Optimizer:
        return torch.optim.RMSprop(params, lr=lr)

    def after_discriminator_step(self) -> None:
        with torch.no_grad():
            for parameter in self.discriminator.parameters():
                parameter.clamp_(-self.hparams["clip"], self.hparams["clip"])
