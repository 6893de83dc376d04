"""ACGAN (Odena et al. 2017): the discriminator also classifies real and fake images;
the generator is rewarded when its fakes are classified as the label they were drawn for."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.models.shapes import image_settings
from zoo.train.gan import Conditioning, GANRecipe
from zoo.train.settings import NON_NEGATIVE

from .model import AuxiliaryDiscriminator


class ACGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 5, "real_label": 0.9, "class_weight": 1.0}
    bounds = {**GANRecipe.bounds, "class_weight": NON_NEGATIVE}

    def build_discriminator(self) -> AuxiliaryDiscriminator:
        cfg = self.model_config
        return AuxiliaryDiscriminator(cfg["width"], aux_outputs=cfg["num_classes"], **image_settings(cfg))

    def discriminator_loss(
        self, real: torch.Tensor, labels: torch.Tensor, fake: torch.Tensor, conditioning: Conditioning
    ) -> tuple[torch.Tensor, dict[str, float]]:
        real_logit, real_classes = self.discriminator(real)
        fake_logit, fake_classes = self.discriminator(fake)
        classification = F.cross_entropy(real_classes, labels) + F.cross_entropy(fake_classes, conditioning["labels"])
        loss = self.loss.discriminator(real_logit, fake_logit) + self.hparams["class_weight"] * classification
        accuracy = (real_classes.argmax(1) == labels).float().mean()
        return loss, {"class_d": classification.item(), "real_class_accuracy": accuracy.item()}

    def generator_loss(
        self, fake: torch.Tensor, conditioning: Conditioning, real: torch.Tensor, labels: torch.Tensor
    ) -> tuple[torch.Tensor, dict[str, float]]:
        logit, classes = self.discriminator(fake)
        classification = F.cross_entropy(classes, conditioning["labels"])
        return self.loss.generator(logit) + self.hparams["class_weight"] * classification, {"class_g": classification.item()}
