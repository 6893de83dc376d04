"""MADE recipe: maximum likelihood on batches binarised afresh, Adam, cosine learning rate, an EMA of the weights.

Every batch is binarised afresh, x ~ Bernoulli(pixel), which keeps a large MLP
from overfitting one binarisation; the loss is the NLL in nats per image. The
published weights are the warmed-up exponential moving average (``ema_decay``).
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from zoo.train.settings import FRACTION, NON_NEGATIVE, RATE
from zoo.train.trainer import Recipe, UpdateCounter, ema_decay, ema_update

from .model import MADE


class MADERecipe(Recipe):
    defaults = {"epochs": 20, "batch_size": 256, "lr": 2e-3, "weight_decay": 0.0, "clip": 100.0, "ema_decay": 0.999}
    bounds = {**Recipe.bounds, "lr": RATE, "weight_decay": NON_NEGATIVE, "clip": RATE, "ema_decay": FRACTION}
    min_useful_steps = 1000

    def setup(self) -> None:
        self.model = MADE(**self.model_config).to(self.device)
        self.ema = copy.deepcopy(self.model).eval().requires_grad_(False)
        self.updates = UpdateCounter()
        self.optimizer = torch.optim.AdamW(
            self.model.parameters(), lr=self.hparams["lr"], weight_decay=self.hparams["weight_decay"]
        )
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=self.hparams["epochs"] * self.steps_per_epoch
        )

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        x = torch.bernoulli(images).flatten(1)
        nll = F.binary_cross_entropy_with_logits(self.model(x), x, reduction="none").sum(1).mean()
        self.optimizer.zero_grad(set_to_none=True)
        self.backward(nll)
        self.optimizer_step(self.optimizer, clip=self.hparams["clip"])
        ema_update(self.ema, self.model, ema_decay(self.hparams["ema_decay"], self.updates.advance()))
        return {"nll": nll.item()}

    def export_model(self) -> MADE:
        return self.ema
