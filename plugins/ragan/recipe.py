"""RaGAN: the discriminator estimates how much more realistic a real image is than the
average fake (and a fake than the average real image); the generator plays the same
game mirrored, so it also pulls the real images' scores down (the registered
``relativistic-average`` loss). Adam(2e-4, 0.5, 0.999) as in the paper's DCGAN runs,
an EMA of the generator (the published weights) and both learning rates lowered
linearly to zero over the second half of training. The loss has no labels, so no
label smoothing."""
from __future__ import annotations

from zoo.train.gan import GANRecipe


class RaGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 8, "loss": "relativistic-average", "decay_from": 0.5}

    def setup(self) -> None:
        super().setup()
        self.decay_learning_rates()
