"""A convolutional image encoder without batch norm, shared by GAN flavours whose
discriminator-side networks are also published or judge images one at a time
(a semi-supervised GAN's class head, ClusterGAN's encoder, autoencoder critics)."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.dcgan import dcgan_init, dcgan_layout, downsampler
from zoo.models.layers import without_batch_norm
from zoo.models.shapes import DEFAULT_IMAGE_SIZE, positive_setting


class ConvEncoder(nn.Module):
    """Image in [-1, 1] -> ``outputs`` values: the DCGAN downsampling stages (28: 28 -> 14 -> 7)
    with leaky ReLUs and no batch norm, so that each image's output depends on that image only,
    in training and in evaluation alike; then a linear layer (after ``dropout``, if any)."""

    def __init__(
        self, outputs: int, width: int = 32, channels: int = 1, image_size: int = DEFAULT_IMAGE_SIZE,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        base, stages = dcgan_layout(image_size, "convolutional encoder")
        channels = positive_setting(channels, "channels", "convolutional encoder")
        self.net = nn.Sequential(
            *without_batch_norm(nn.Sequential(*downsampler(channels, width, 0.2, stages))),
            nn.Flatten(),
            *([nn.Dropout(dropout)] if dropout else []),
            nn.Linear(width * 2 ** (stages - 1) * base * base, outputs),
        )
        self.apply(dcgan_init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
