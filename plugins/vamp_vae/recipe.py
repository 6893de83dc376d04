"""VampPrior recipe (Tomczak and Welling 2018): the VAE recipe, its prior the mixture of the posteriors
of the pseudo-inputs, which are learned with the rest and start at random training images. With
``init`` the encoder and decoder start from the published vae-mnist ("none": random weights), at a
lower learning rate, so that the run refines a trained model on a CPU budget."""
from __future__ import annotations

import torch

from zoo.data.datasets import ImageData
from zoo.train.settings import Bound
from zoo.train.vae import VAERecipe

from .model import VampVAE


class VampVAERecipe(VAERecipe):
    defaults = {**VAERecipe.defaults, "epochs": 4, "lr": 3e-4, "iw_samples": 10, "init": "vae-mnist"}
    bounds = {**VAERecipe.bounds, "init": Bound(choices=("vae-mnist", "none"))}
    min_useful_steps = 500
    model_class = VampVAE

    def prepare(self, data: ImageData) -> None:
        count = self.model.pseudo_logits.shape[0]
        pick = torch.randperm(len(data))[torch.arange(count) % len(data)]  # repeats only with fewer images
        self.model.set_pseudo_inputs(data.images[pick])
        if self.hparams["init"] != "none":
            self.start_from(self.hparams["init"])
