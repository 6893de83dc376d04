"""The original GAN: an MLP discriminator against an MLP generator.

``loss="min-max"`` trains the generator on log(1 - D(G(z))) as in the paper's
value function; the default ``"non-saturating"`` maximises log D(G(z)), the
variant the paper recommends because its gradients do not vanish early on.
"""
from __future__ import annotations

from zoo.models.mlp_gan import MLPDiscriminator
from zoo.models.shapes import image_settings
from zoo.train.gan import GANRecipe


class GANMLPRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 25, "batch_size": 64, "d_hidden": [512, 256]}

    def build_discriminator(self) -> MLPDiscriminator:
        return MLPDiscriminator(self.hparams["d_hidden"], **image_settings(self.model_config))
