"""PixelRNN recipe: the core's binary-pixel maximum likelihood (``zoo.train.likelihood.BinaryNLLRecipe``):
batches binarised afresh, Adam, cosine learning rate, gradients clipped to a global norm of ``clip``, and
the warmed-up exponential moving average of the weights as the published ones."""
from __future__ import annotations

from zoo.train.likelihood import BinaryNLLRecipe

from .model import PixelRNN


class PixelRNNRecipe(BinaryNLLRecipe):
    defaults = {**BinaryNLLRecipe.defaults, "clip": 10.0}
    model_class = PixelRNN
