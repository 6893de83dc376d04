"""Conditional GAN: generator and discriminator both see the label; non-saturating loss."""
from __future__ import annotations

from zoo.train.gan import GANRecipe
from zoo_plugins.gan.model import MLPDiscriminator


class CGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 20, "batch_size": 64, "d_hidden": [512, 256]}

    def build_discriminator(self) -> MLPDiscriminator:
        cfg = self.model_config
        return MLPDiscriminator(self.hparams["d_hidden"], cfg["channels"], cfg["num_classes"])
