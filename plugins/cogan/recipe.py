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
        cfg = self.model_config
        return CoupledDiscriminator(cfg["width"], clusters=cfg.get("clusters", 0), **image_settings(cfg))

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """Digits and unpaired negatives (the batch rolled by one) as one two-domain batch."""
        return super().train_step(torch.cat([images, 1 - images.roll(1, 0)], 1), labels)

    def cluster_ids(self, images: torch.Tensor) -> torch.Tensor:
        """Each domain's cluster ids ``(N, DOMAINS)``: the digits' own, and those of the digits the
        negatives were made from (the batch rolled by one)."""
        ids = self.codebook.assign(images[:, : self.generator.image_shape[0]])
        return torch.stack([ids, ids.roll(1, 0)], 1)
