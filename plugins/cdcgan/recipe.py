"""Conditional DCGAN recipe: non-saturating loss, one-sided label smoothing, EMA generator."""
from __future__ import annotations

from zoo.models.shapes import image_settings
from zoo.train.gan import GANRecipe

from .model import ConditionalDCGANDiscriminator


class CDCGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 5, "real_label": 0.9}

    def build_discriminator(self) -> ConditionalDCGANDiscriminator:
        cfg = self.model_config
        return ConditionalDCGANDiscriminator(cfg["width"], num_classes=cfg["num_classes"], **image_settings(cfg))
