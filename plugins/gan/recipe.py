"""The original GAN: an MLP discriminator against an MLP generator.

``loss="min-max"`` trains the generator on log(1 - D(G(z))) as in the paper's
value function; the default ``"non-saturating"`` maximises log D(G(z)), the
variant the paper recommends because its gradients do not vanish early on.
``decay_from`` < 1 lowers both learning rates linearly to zero from that
fraction of the run on; at 1 they stay constant, as in the paper.
"""
from __future__ import annotations

from zoo.models.mlp_gan import MLPDiscriminator
from zoo.models.shapes import image_settings
from zoo.train.gan import GANRecipe
from zoo.train.settings import COUNT


class GANMLPRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 25, "batch_size": 64, "d_hidden": [512, 256], "decay_from": 1.0}
    bounds = {**GANRecipe.bounds, "d_hidden": COUNT}

    def setup(self) -> None:
        super().setup()
        if self.hparams["decay_from"] < 1:  # runs from before the setting hold no schedules
            self.decay_learning_rates()

    def build_discriminator(self) -> MLPDiscriminator:
        clusters = self.model_config.get("clusters", 0)  # a self-conditioned generator's ids
        return MLPDiscriminator(self.hparams["d_hidden"], num_classes=clusters, **image_settings(self.model_config))
