"""Flow-matching recipe: the conditional flow-matching loss on images in [-1, 1] (zoo.train.likelihood.LossRecipe)."""
from __future__ import annotations

from zoo.train.likelihood import LossRecipe

from .model import RectifiedFlow


class FlowMatchingRecipe(LossRecipe):
    defaults = {**LossRecipe.defaults, "epochs": 20, "batch_size": 128, "lr": 1e-3, "warmup": 500}
    model_class = RectifiedFlow
