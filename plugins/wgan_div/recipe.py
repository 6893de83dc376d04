"""WGAN-div: the Wasserstein critic with ``penalty_weight`` (the paper's k) times
E[||grad f||^p] at the real and the fake images (the registered ``wgan-div``
penalty, ``div_power`` p), which makes the critic's objective the Wasserstein
divergence W_{k,p}; the paper's k=2, p=6. No Lipschitz constraint and no
interpolated points; the penalty is per image, so the critic has no batch norm.

The paper takes five critic steps per generator step at Adam(2e-4, 0.5, 0.999);
on one CPU thread that leaves too few generator updates, so the defaults take one
critic step per generator step with a critic four times faster (two time-scale
updates, Heusel et al. 2017), as the zoo's WGAN-GP does. An EMA of the generator is
published and both learning rates fall linearly to zero over the second half."""
from __future__ import annotations

from torch import nn

from zoo.models.dcgan import discriminator_for
from zoo.models.layers import without_batch_norm
from zoo.train.gan import GANRecipe
from zoo.train.settings import NON_NEGATIVE


class WGANDivRecipe(GANRecipe):
    defaults = {
        **GANRecipe.defaults,
        "epochs": 6,
        "loss": "wasserstein",
        "lr_g": 1e-4,
        "lr_d": 4e-4,
        "betas": [0.0, 0.9],
        "penalty": "wgan-div",
        "penalty_weight": 2.0,
        "div_power": 6.0,
        "decay_from": 0.5,
    }
    bounds = {**GANRecipe.bounds, "div_power": NON_NEGATIVE}

    def setup(self) -> None:
        super().setup()
        self.decay_learning_rates()

    def build_discriminator(self) -> nn.Module:
        return without_batch_norm(discriminator_for(self.model_config))
