"""SNGAN: every layer of the discriminator is divided by its spectral norm (estimated
by one power iteration per step), which bounds its Lipschitz constant; hinge loss."""
from __future__ import annotations

from torch import nn

from zoo.models.dcgan import discriminator_for
from zoo.models.layers import spectrally_normalised, without_batch_norm
from zoo.train.gan import GANRecipe


class SNGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 10, "loss": "hinge"}

    def build_discriminator(self) -> nn.Module:
        body = discriminator_for(self.model_config)
        return spectrally_normalised(without_batch_norm(body))
