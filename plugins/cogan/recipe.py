"""CoGAN recipe: each step's real digits and the negatives of the same batch in another order
(so no pair is ever shown) train the coupled discriminators with the registered loss on
both domains' scores; the coupled generators learn the pairing from the shared weights alone."""
from __future__ import annotations

import torch

from zoo.models.shapes import image_settings
from zoo.train.gan import GANRecipe

from .model import CoupledDiscriminator


class CoGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 6, "real_label": 0.9, "decay_from": 0.5}

    def setup(self) -> None:
        super().setup()
        self.decay_learning_rates()

    def build_discriminator(self) -> CoupledDiscriminator:
        return CoupledDiscriminator(self.model_config["width"], **image_settings(self.model_config))

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """Digits and unpaired negatives (the batch rolled by one) as one two-domain batch."""
        return super().train_step(torch.cat([images, 1 - images.roll(1, 0)], 1), labels)
