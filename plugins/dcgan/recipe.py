"""DCGAN recipe: non-saturating loss, Adam(2e-4, 0.5, 0.999), one-sided label smoothing,
an EMA of the generator (the published weights), and learning rates that decay
linearly to zero over the second half of training. With ``clusters`` in the model
config the run is self-conditioned on k-means clusters of the training images."""
from __future__ import annotations

from zoo.train.gan import GANRecipe


class DCGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 12, "real_label": 0.9, "decay_from": 0.5}

    def setup(self) -> None:
        super().setup()
        self.decay_learning_rates()
