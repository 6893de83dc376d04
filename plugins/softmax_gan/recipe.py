"""Softmax GAN: the discriminator's scores are negative energies, and one softmax runs
over all real and fake images of the batch; the discriminator's target puts the
whole mass on the real images, the generator's spreads it evenly over real and fake
(the registered ``softmax`` loss). Adam(2e-4, 0.5, 0.999), an EMA of the generator
(the published weights) and both learning rates lowered linearly to zero over the
second half of training. The loss has no labels, so no label smoothing."""
from __future__ import annotations

from zoo.train.gan import GANRecipe


class SoftmaxGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 8, "loss": "softmax", "decay_from": 0.5}

    def setup(self) -> None:
        super().setup()
        self.decay_learning_rates()
