"""DCGAN recipe: non-saturating loss, Adam(2e-4, 0.5, 0.999), one-sided label smoothing,
an EMA of the generator (the published weights), and learning rates that decay
linearly to zero over the second half of training. With ``clusters`` in the model
config the run is self-conditioned on k-means clusters of the training images."""
from __future__ import annotations

import torch
from torch.optim.lr_scheduler import LambdaLR

from zoo.gan import GANRecipe

from .model import discriminator_for


class DCGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 12, "real_label": 0.9, "decay_from": 0.5}

    def setup(self) -> None:
        super().setup()
        total = self.hparams["epochs"] * self.steps_per_epoch
        start = int(self.hparams["decay_from"] * total)

        def factor(step: int) -> float:
            if step < start or start >= total:  # decay_from >= 1: constant learning rates
                return 1.0
            return max(0.0, (total - step) / (total - start))

        self.schedule_g = LambdaLR(self.opt_g, factor)
        self.schedule_d = LambdaLR(self.opt_d, factor)

    def build_discriminator(self) -> torch.nn.Module:
        return discriminator_for(self.model_config)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        losses = super().train_step(images, labels)
        self.schedule_g.step()
        self.schedule_d.step()
        return losses
