"""WGAN: a critic estimates the Wasserstein-1 distance; clipping its weights to
[-clip, clip] keeps it Lipschitz. RMSprop, ``d_steps`` critic steps per generator step.

The paper's ``lr_decay="constant"`` keeps both learning rates fixed. From the
fraction ``decay_from`` of the run on, ``"linear"`` lowers them linearly to zero
(as in the WGAN-GP authors' code) and ``"step"`` multiplies them once by
``drop_factor``: a fast start, then a slower rate once the critic's estimate
of the distance has shrunk."""
from __future__ import annotations

from typing import Any

import torch

from zoo.train.gan import GANRecipe
from zoo.train.settings import FRACTION, RATE, Bound

LR_DECAYS = ("constant", "linear", "step")


class WGANRecipe(GANRecipe):
    defaults = {
        **{key: value for key, value in GANRecipe.defaults.items() if key != "betas"},
        "epochs": 20,
        "batch_size": 320,
        "loss": "wasserstein",
        "d_steps": 5,
        "lr_g": 5e-5,
        "lr_d": 5e-5,
        "lr_decay": "constant",
        "decay_from": 0.0,
        "drop_factor": 0.2,
        "clip": 0.01,
    }
    bounds = {**GANRecipe.bounds, "lr_decay": Bound(choices=LR_DECAYS), "drop_factor": FRACTION, "clip": RATE}

    def setup(self) -> None:
        super().setup()
        decay = self.hparams["lr_decay"]
        if decay != "constant":
            self.decay_learning_rates(self.hparams["drop_factor"] if decay == "step" else None)


    def optimizer(self, params: Any, lr: float) -> torch.optim.Optimizer:
        return torch.optim.RMSprop(params, lr=lr)

    def after_discriminator_step(self) -> None:
        with torch.no_grad():
            for parameter in self.discriminator.parameters():
                parameter.clamp_(-self.hparams["clip"], self.hparams["clip"])
