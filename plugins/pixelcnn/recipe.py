"""Gated PixelCNN recipe: maximum likelihood, Adam, cosine learning rate, an EMA of the weights.

Every batch is binarised afresh, x ~ Bernoulli(pixel); the loss is the NLL in
nats per image. Gradients are clipped to a global norm of ``clip``. The
published weights are the exponential moving average (``ema_decay``) of the
trained ones, which scores a lower test NLL than the last step's weights. The
average warms up: step t uses the decay min(ema_decay, (1 + t) / (10 + t)), so
the random initial weights are forgotten within the first few hundred steps.
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from zoo.train.trainer import Recipe, ema_decay, ema_update
from zoo.train.settings import FRACTION, RATE

from .model import PixelCNN


class PixelCNNRecipe(Recipe):
    defaults = {"epochs": 10, "batch_size": 64, "lr": 2e-3, "clip": 100.0, "ema_decay": 0.999}
    bounds = {**Recipe.bounds, "lr": RATE, "clip": RATE, "ema_decay": FRACTION}
    min_useful_steps = 1000

    def setup(self) -> None:
        self.model = PixelCNN(**self.model_config).to(self.device)
        self.ema = copy.deepcopy(self.model).eval().requires_grad_(False)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.hparams["lr"])
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=self.hparams["epochs"] * self.steps_per_epoch
        )

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        x = torch.bernoulli(images)
        nll = F.binary_cross_entropy_with_logits(self.model(x), x, reduction="none").flatten(1).sum(1).mean()
        self.optimizer.zero_grad(set_to_none=True)
        self.backward(nll)
        self.optimizer_step(self.optimizer, clip=self.hparams["clip"])
        step = self.scheduler.last_epoch + 1  # optimiser steps so far (the trainer steps the schedule next)
        ema_update(self.ema, self.model, ema_decay(self.hparams["ema_decay"], step))
        return {"nll": nll.item()}

    def export_model(self) -> PixelCNN:
        return self.ema
