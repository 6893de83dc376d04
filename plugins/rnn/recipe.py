"""Pixel RNN recipe: maximum likelihood with teacher forcing, Adam, cosine learning rate.

Every batch is binarised afresh, x ~ Bernoulli(pixel), as the VAE recipe does,
and the loss is the NLL in nats per image (Bernoulli cross-entropy summed over
pixels). Gradients are clipped to a global norm of ``clip``.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.train.trainer import Recipe
from zoo.train.settings import RATE

from .model import PixelRNN


class PixelRNNRecipe(Recipe):
    defaults = {"epochs": 2, "batch_size": 128, "lr": 3e-3, "clip": 1.0}
    bounds = {**Recipe.bounds, "lr": RATE, "clip": RATE}
    min_useful_steps = 1000

    def setup(self) -> None:
        self.model = PixelRNN(**self.model_config).to(self.device)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.hparams["lr"])
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=self.hparams["epochs"] * self.steps_per_epoch
        )

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        x = torch.bernoulli(images).flatten(1)
        logits = self.model(x)
        nll = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1).mean()
        self.optimizer.zero_grad(set_to_none=True)
        self.backward(nll)
        self.optimizer_step(self.optimizer, clip=self.hparams["clip"])
        return {"nll": nll.item()}

    def export_model(self) -> PixelRNN:
        return self.model
