"""DRAGAN: the non-saturating GAN with a penalty of ``penalty_weight`` * (||grad D|| - 1)^2
at points in a noisy neighbourhood of the real images, x + ``perturbation`` * std(x) * U[0, 1)
(the registered ``dragan`` penalty; the paper's lambda 10 and C 0.5), which keeps the
discriminator from forming sharp gradients around the data (the paper's cause of mode
collapse). The penalty is per image, so the discriminator has no batch norm. Adam(2e-4,
0.5, 0.999), one-sided label smoothing (0.9), an EMA of the generator (the published
weights) and both learning rates lowered linearly to zero over the second half of training."""
from __future__ import annotations

from torch import nn

from zoo.models.dcgan import discriminator_for
from zoo.models.layers import without_batch_norm
from zoo.train.gan import GANRecipe
from zoo.train.settings import NON_NEGATIVE


class DRAGANRecipe(GANRecipe):
    defaults = {
        **GANRecipe.defaults,
        "epochs": 6,
        "real_label": 0.9,
        "penalty": "dragan",
        "penalty_weight": 10.0,
        "perturbation": 0.5,
        "decay_from": 0.5,
    }
    bounds = {**GANRecipe.bounds, "perturbation": NON_NEGATIVE}

    def setup(self) -> None:
        super().setup()
        self.decay_learning_rates()

    def build_discriminator(self) -> nn.Module:
        return without_batch_norm(discriminator_for(self.model_config))
