"""Recipes of likelihood models: ``LossRecipe`` for models trained by minimising their own ``loss(x)``
(diffusion, flow matching, normalising flows), ``BinaryNLLRecipe`` for autoregressive models of binary pixels.

The model's ``loss`` takes a batch in the scale it expects (``scale``: images
mapped to [-1, 1] for the denoisers, kept in [0, 1] for the flows) and draws
its randomness from torch's global generator, which the trainer checkpoints.
Adam with a linear warm-up (``warmup`` steps) into a cosine decay, gradients
clipped to a global norm of ``clip``, and a warmed-up exponential moving average
of the weights (``ema_decay``), which is what is published.
"""
from __future__ import annotations

import copy
import math

import torch
import torch.nn.functional as F
from torch import nn

from zoo.train.settings import FRACTION, NON_NEGATIVE, RATE, Bound
from zoo.train.trainer import Recipe, UpdateCounter, ema_decay, ema_update

SCALES = ("signed", "unit")


class LossRecipe(Recipe):
    """Subclasses set ``model_class`` (a module with ``loss(x) -> scalar``) and their ``defaults``."""

    defaults = {"epochs": 10, "batch_size": 128, "lr": 2e-4, "warmup": 500, "clip": 1.0, "ema_decay": 0.999, "scale": "signed"}
    bounds = {
        **Recipe.bounds, "lr": RATE, "warmup": NON_NEGATIVE, "clip": RATE, "ema_decay": FRACTION,
        "scale": Bound(choices=SCALES),
    }
    min_useful_steps = 2000
    model_class: type[nn.Module]

    def setup(self) -> None:
        self.model = self.model_class(**self.model_config).to(self.device)
        self.ema = copy.deepcopy(self.model).eval().requires_grad_(False)
        self.updates = UpdateCounter()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.hparams["lr"])
        total, warmup = self.hparams["epochs"] * self.steps_per_epoch, self.hparams["warmup"]
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, WarmupCosine(warmup, total))

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        x = 2 * images - 1 if self.hparams["scale"] == "signed" else images
        loss = self.model.loss(x)
        self.optimizer.zero_grad(set_to_none=True)
        self.backward(loss)
        self.optimizer_step(self.optimizer, clip=self.hparams["clip"])
        ema_update(self.ema, self.model, ema_decay(self.hparams["ema_decay"], self.updates.advance()))
        return {"loss": loss.item()}

    def export_model(self) -> nn.Module:
        return self.ema


class BinaryNLLRecipe(Recipe):
    """Maximum likelihood of an autoregressive model over binary pixels (PixelCNN, PixelRNN).

    Every batch is binarised afresh, x ~ Bernoulli(pixel); the loss is the NLL in nats per image.
    Adam with a cosine learning rate, gradients clipped to a global norm of ``clip``; the published
    weights are the exponential moving average (``ema_decay``), warmed up so that step t uses the
    decay min(ema_decay, (1 + t) / (10 + t)). Subclasses set ``model_class`` (a module giving one
    logit per pixel) and their ``defaults``.
    """

    defaults = {"epochs": 10, "batch_size": 64, "lr": 2e-3, "clip": 100.0, "ema_decay": 0.999}
    bounds = {**Recipe.bounds, "lr": RATE, "clip": RATE, "ema_decay": FRACTION}
    min_useful_steps = 1000
    model_class: type[nn.Module]

    def setup(self) -> None:
        self.model = self.model_class(**self.model_config).to(self.device)
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

    def export_model(self) -> nn.Module:
        return self.ema


class WarmupCosine:
    """The learning-rate factor at a step: linear from 0 over ``warmup`` steps, then a cosine to 0 at ``total``."""

    def __init__(self, warmup: int, total: int) -> None:
        self.warmup, self.total = int(warmup), max(int(total), 1)

    def __call__(self, step: int) -> float:
        if step < self.warmup:
            return (step + 1) / self.warmup
        progress = min(1.0, (step - self.warmup) / max(1, self.total - self.warmup))
        return 0.5 * (1 + math.cos(math.pi * progress))
