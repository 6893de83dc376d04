"""WGAN-GP: the critic is kept near 1-Lipschitz by penalising ``penalty_weight`` *
(||grad critic|| - 1)^2 at points between real and fake images (the registered
``gradient`` penalty); no batch norm in it.

The paper's five critic steps per generator step (``d_steps=5``, both learning
rates 1e-4) give a CPU epoch only 187 generator updates; its MNIST run took
200000. The defaults instead take one critic step per generator step with a
critic four times faster (two time-scale updates, Heusel et al. 2017): 937
generator updates an epoch. ``decay_from`` < 1 lowers both learning rates
linearly to zero from that fraction of the run on (the authors' CIFAR-10 code
decays from the start, their MNIST code not at all); at 1 they stay constant."""
from __future__ import annotations

from zoo.models.dcgan import DCGANDiscriminator, discriminator_for
from zoo.models.layers import without_batch_norm
from zoo.train.gan import GANRecipe


class WGANGPRecipe(GANRecipe):
    defaults = {
        **GANRecipe.defaults,
        "epochs": 10,
        "batch_size": 64,
        "loss": "wasserstein",
        "d_steps": 1,
        "lr_g": 1e-4,
        "lr_d": 4e-4,
        "betas": [0.0, 0.9],
        "penalty": "gradient",
        "penalty_weight": 10.0,
        "decay_from": 1.0,
    }

    def setup(self) -> None:
        super().setup()
        if self.hparams["decay_from"] < 1:  # runs from before the setting hold no schedules
            self.decay_learning_rates()

    def build_discriminator(self) -> DCGANDiscriminator:
        return without_batch_norm(discriminator_for(self.model_config))
