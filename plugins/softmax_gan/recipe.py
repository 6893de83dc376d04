"""Softmax GAN: the discriminator's scores are negative energies, and one softmax runs
over all real and fake images of the batch; the discriminator's target puts the
whole mass on the real images, the generator's spreads it evenly over real and fake
(the registered ``softmax`` loss). The energies are unbounded, so every layer of the
discriminator is spectrally normalised (as SNGAN's) to keep it from running them off:
with the plain DCGAN discriminator the 4-epoch run collapsed (FID 275), and with
energies squashed into (0, 1) by a sigmoid the discriminator saturated and the
generator stopped learning. Adam(2e-4, 0.5, 0.999), an EMA of the generator (the
published weights) and both learning rates lowered linearly to zero over the second
half of training. The loss has no labels, so no label smoothing."""
from __future__ import annotations

from torch import nn

from zoo.models.dcgan import discriminator_for
from zoo.models.layers import spectrally_normalised, without_batch_norm
from zoo.train.gan import GANRecipe


class SoftmaxGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 8, "loss": "softmax", "decay_from": 0.5}

    def setup(self) -> None:
        super().setup()
        self.decay_learning_rates()

    def build_discriminator(self) -> nn.Module:
        return spectrally_normalised(without_batch_norm(discriminator_for(self.model_config)))
