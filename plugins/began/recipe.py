"""BEGAN recipe: a DCGAN generator against an :class:`~zoo.models.autoencoder_critic.AutoencoderCritic`
(L1 error, a code of ``code_dim`` values), the registered ``began`` loss (``gamma``, ``lambda_k``),
Adam at 1e-4 and learning rates halved for the last ``1 - decay_from`` of the run (the paper
decays them when M stalls)."""
from __future__ import annotations

from zoo.models.autoencoder_critic import AutoencoderCritic
from zoo.models.shapes import image_settings
from zoo.train.gan import GANRecipe
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE

from . import loss  # noqa: F401 - registers the "began" loss


class BEGANRecipe(GANRecipe):
    defaults = {
        **GANRecipe.defaults, "epochs": 6, "loss": "began", "gamma": 0.7, "lambda_k": 0.001, "code_dim": 64,
        "lr_g": 1e-4, "lr_d": 1e-4, "decay_from": 0.6,
    }
    bounds = {**GANRecipe.bounds, "gamma": FRACTION, "lambda_k": NON_NEGATIVE, "code_dim": COUNT}

    def setup(self) -> None:
        super().setup()
        self.decay_learning_rates(drop_factor=0.5)

    def build_discriminator(self) -> AutoencoderCritic:
        cfg = self.model_config
        return AutoencoderCritic(self.hparams["code_dim"], cfg["width"], error="l1", **image_settings(cfg))
