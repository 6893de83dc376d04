"""Conditional GAN: generator and discriminator both see the label; non-saturating loss."""
from __future__ import annotations

from zoo.models.mlp_gan import MLPDiscriminator
from zoo.models.shapes import image_settings
from zoo.train.gan import GANRecipe
from zoo.train.settings import COUNT


class CGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 20, "batch_size": 64, "d_hidden": [512, 256]}
    bounds = {**GANRecipe.bounds, "d_hidden": COUNT}

    def build_discriminator(self) -> MLPDiscriminator:
        cfg = self.model_config
        return MLPDiscriminator(self.hparams["d_hidden"], num_classes=cfg["num_classes"], **image_settings(cfg))
