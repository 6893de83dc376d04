"""The toy plugin's recipes: cross-entropy for the classifier, the core's GAN recipe for the DCGAN."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.train.gan import GANRecipe
from zoo.train.settings import RATE
from zoo.train.trainer import Recipe

from .model import ShapesClassifier


class ClassifierRecipe(Recipe):
    """Adam and cross-entropy."""

    defaults = {"epochs": 8, "batch_size": 32, "lr": 5e-3}
    bounds = {**Recipe.bounds, "lr": RATE}

    def setup(self) -> None:
        self.model = ShapesClassifier(**self.model_config).to(self.device)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.hparams["lr"])

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        logits = self.model(images)
        loss = F.cross_entropy(logits, labels)
        self.optimizer.zero_grad(set_to_none=True)
        self.backward(loss)
        self.optimizer_step(self.optimizer)
        return {"loss": loss.item(), "acc": (logits.argmax(1) == labels).float().mean().item()}

    def export_model(self) -> torch.nn.Module:
        return self.model


class DCGANRecipe(GANRecipe):
    """The core's GAN recipe with the discriminator that matches the generator's config; a quicker
    generator than discriminator and a short average, so that a few seconds cover every shape."""

    defaults = {**GANRecipe.defaults, "epochs": 8, "batch_size": 32, "lr_g": 1e-3, "lr_d": 2e-4, "ema_decay": 0.9}
