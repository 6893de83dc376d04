"""Layers and module transforms that several flavours' networks share (model layer: no training code).

Sampling a model imports this, never the training stack; ``zoo.train.gan`` re-exports
these names for the recipes and plugins that import them from there.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def one_hot(labels: torch.Tensor, classes: int, like: torch.Tensor) -> torch.Tensor:
    """Labels as one-hot rows in the dtype and on the device of ``like``."""
    return F.one_hot(labels.to(like.device).long(), classes).to(like.dtype)


def without_batch_norm(module: nn.Module) -> nn.Module:
    """Replace every batch norm by the identity, in place (a critic whose gradient
    penalty or Lipschitz bound is per sample must not mix the samples of a batch)."""
    for name, child in module.named_children():
        if isinstance(child, nn.modules.batchnorm._BatchNorm):
            setattr(module, name, nn.Identity())
        else:
            without_batch_norm(child)
    return module


def spectrally_normalised(module: nn.Module) -> nn.Module:
    """Spectral normalisation (Miyato et al. 2018) of every convolution, linear layer and
    (class or cluster) embedding, in place."""
    for child in list(module.modules()):
        if isinstance(child, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d, nn.Embedding)):
            nn.utils.parametrizations.spectral_norm(child)
    return module


def leaky_mlp(sizes: list[int], dropout: float = 0.0) -> nn.Sequential:
    """Linear layers of the given widths with LeakyReLU(0.2) (and dropout) between them."""
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            if dropout:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)
