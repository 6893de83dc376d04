"""Gated PixelCNN recipe: the core's binary-pixel maximum likelihood (``zoo.train.likelihood.BinaryNLLRecipe``):
batches binarised afresh, Adam, cosine learning rate, gradients clipped to ``clip``, and an EMA of the
weights, which scores a lower test NLL than the last step's weights and is what is published."""
from __future__ import annotations

from zoo.train.likelihood import BinaryNLLRecipe

from .model import PixelCNN


class PixelCNNRecipe(BinaryNLLRecipe):
    model_class = PixelCNN
