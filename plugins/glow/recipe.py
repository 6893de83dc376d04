"""Glow recipe: maximum likelihood (bits per dimension) on uniformly dequantised 8-bit images."""
from __future__ import annotations

from zoo.train.likelihood import LossRecipe

from .model import Glow


class GlowRecipe(LossRecipe):
    defaults = {**LossRecipe.defaults, "epochs": 20, "batch_size": 64, "lr": 1e-3, "warmup": 200, "clip": 100.0, "scale": "unit"}
    model_class = Glow
