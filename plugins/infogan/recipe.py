"""InfoGAN (Chen et al. 2016): a head Q on the discriminator's features recovers the
generator's codes; maximising that mutual-information bound makes the codes meaningful.

The categorical code's term is a cross-entropy, the continuous codes' term a
Gaussian log-likelihood with unit variance (a squared error), weighted by
``continuous_weight``; both terms train Q and the generator.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.models.shapes import image_settings
from zoo.train.gan import Conditioning, GANRecipe
from zoo.train.settings import NON_NEGATIVE

from .model import InfoGANDiscriminator


class InfoGANRecipe(GANRecipe):
    defaults = {
        **GANRecipe.defaults,
        "epochs": 10,
        "batch_size": 128,
        "lr_g": 1e-3,
        "lr_d": 2e-4,
        "info_weight": 1.0,
        "continuous_weight": 0.1,
    }
    bounds = {**GANRecipe.bounds, "info_weight": NON_NEGATIVE, "continuous_weight": NON_NEGATIVE}

    def build_discriminator(self) -> InfoGANDiscriminator:
        cfg = self.model_config
        codes = cfg["categories"] + cfg["continuous"]
        return InfoGANDiscriminator(codes, cfg["width"], cfg["hidden"], **image_settings(cfg))

    def conditioning(self, n: int) -> Conditioning:
        return {
            "categorical": torch.randint(0, self.generator.categories, (n,), device=self.device),
            "continuous": torch.rand(n, self.generator.continuous, device=self.device) * 2 - 1,
        }

    def information_loss(self, estimate: torch.Tensor, conditioning: Conditioning) -> torch.Tensor:
        k = self.generator.categories
        categorical = F.cross_entropy(estimate[:, :k], conditioning["categorical"])
        continuous = 0.5 * (estimate[:, k:] - conditioning["continuous"]).square().sum(1).mean()
        return self.hparams["info_weight"] * (categorical + self.hparams["continuous_weight"] * continuous)

    def discriminator_loss(
        self, real: torch.Tensor, labels: torch.Tensor, fake: torch.Tensor, conditioning: Conditioning
    ) -> tuple[torch.Tensor, dict[str, float]]:
        real_logit, _ = self.discriminator(real)
        fake_logit, estimate = self.discriminator(fake)
        info = self.information_loss(estimate, conditioning)
        return self.loss.discriminator(real_logit, fake_logit) + info, {"info_d": info.item()}

    def generator_loss(
        self, fake: torch.Tensor, conditioning: Conditioning, real: torch.Tensor, labels: torch.Tensor
    ) -> tuple[torch.Tensor, dict[str, float]]:
        logit, estimate = self.discriminator(fake)
        info = self.information_loss(estimate, conditioning)
        return self.loss.generator(logit) + info, {"info_g": info.item()}
