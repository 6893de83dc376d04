"""Conditional VAE recipe: the VAE's ELBO with the one-hot label fed to both networks."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.train.vae import VAERecipe

from .model import CVAE


class CVAERecipe(VAERecipe):
    defaults = {**VAERecipe.defaults, "epochs": 20, "iw_samples": 1}
    model_class = CVAE

    def inputs(self, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"y": F.one_hot(labels, self.model.num_classes).float()}
