"""DDPM recipe: the simple noise-prediction loss on images in [-1, 1] (zoo.train.likelihood.LossRecipe)."""
from __future__ import annotations

from zoo.train.likelihood import LossRecipe

from .model import DDPM


class DDPMRecipe(LossRecipe):
    defaults = {**LossRecipe.defaults, "epochs": 20, "batch_size": 128, "lr": 1e-3, "warmup": 500}
    model_class = DDPM
