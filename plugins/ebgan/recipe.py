"""EBGAN recipe: a DCGAN generator against an :class:`~zoo.models.autoencoder_critic.AutoencoderCritic`
(squared error per pixel as the energy, a code of ``code_dim`` values), the registered
``energy-margin`` loss (``margin``) and the pulling-away term on the critic's codes of the fakes,
weighted by ``pt_weight`` (0.1 in the paper), in the generator's loss."""
from __future__ import annotations

import torch

from zoo.models.autoencoder_critic import AutoencoderCritic
from zoo.models.shapes import image_settings
from zoo.train.gan import Conditioning, GANRecipe
from zoo.train.settings import COUNT, NON_NEGATIVE

from .loss import pulling_away  # importing it registers the "energy-margin" loss


class EBGANRecipe(GANRecipe):
    defaults = {
        **GANRecipe.defaults, "epochs": 6, "loss": "energy-margin", "margin": 0.5, "pt_weight": 0.1,
        "code_dim": 64, "decay_from": 0.5,
    }
    bounds = {**GANRecipe.bounds, "margin": NON_NEGATIVE, "pt_weight": NON_NEGATIVE, "code_dim": COUNT}

    def setup(self) -> None:
        super().setup()
        self.decay_learning_rates()

    def build_discriminator(self) -> AutoencoderCritic:
        cfg = self.model_config
        return AutoencoderCritic(self.hparams["code_dim"], cfg["width"], error="l2", **image_settings(cfg))

    def generator_loss(
        self, fake: torch.Tensor, conditioning: Conditioning, real: torch.Tensor, labels: torch.Tensor
    ) -> tuple[torch.Tensor, dict[str, float]]:
        energies, codes = self.discriminator.energies_and_codes(fake)
        pt = pulling_away(codes)
        return self.loss.generator(energies) + self.hparams["pt_weight"] * pt, {"pulling_away": pt.item()}
