"""Conditional DCGAN recipe: non-saturating loss, one-sided label smoothing, EMA generator.

The discriminator takes the class through a projection term, <embed(class),
features> added to its logit (Miyato and Koyama 2018), instead of as label
planes stacked on the image: the class then weighs on the score itself, and
more of the generated items are of the class asked for."""
from __future__ import annotations

from zoo.models.dcgan import DCGANDiscriminator
from zoo.models.shapes import image_settings
from zoo.train.gan import GANRecipe


class CDCGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 5, "real_label": 0.9}

    def build_discriminator(self) -> DCGANDiscriminator:
        cfg = self.model_config
        return DCGANDiscriminator(cfg["width"], clusters=cfg["num_classes"], **image_settings(cfg))
