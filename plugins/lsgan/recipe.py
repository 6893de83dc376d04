"""LSGAN: least-squares losses (targets 0 for fakes, 1 for real images) instead of the
sigmoid cross-entropy, which keep penalising fakes that are far from the data."""
from __future__ import annotations

from zoo.train.gan import GANRecipe


class LSGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 10, "loss": "least-squares"}
