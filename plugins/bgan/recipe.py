"""BGAN: the discriminator is trained as in the standard GAN, the generator minimises
0.5 (log D(G(z)) - log(1 - D(G(z))))^2, pulling its samples onto the
discriminator's decision boundary, where D(G(z)) = 1/2 (the registered
``boundary-seeking`` loss). Adam(2e-4, 0.5, 0.999), one-sided label smoothing of the
real images (0.9), an EMA of the generator (the published weights) and both
learning rates lowered linearly to zero over the second half of training."""
from __future__ import annotations

from zoo.train.gan import GANRecipe


class BGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 8, "loss": "boundary-seeking", "real_label": 0.9, "decay_from": 0.5}

    def setup(self) -> None:
        super().setup()
        self.decay_learning_rates()
