"""Conditional DCGAN discriminator: the one-hot label enters as constant planes stacked on the image
(the generator, :class:`zoo.models.dcgan.ConditionalDCGANGenerator`, takes it with the noise)."""
from __future__ import annotations

import torch

from zoo.models.dcgan import DCGANDiscriminator
from zoo.models.layers import one_hot
from zoo.models.shapes import DEFAULT_IMAGE_SIZE


class ConditionalDCGANDiscriminator(DCGANDiscriminator):
    """(image, label) -> one real/fake logit."""

    def __init__(
        self, width: int = 64, channels: int = 1, num_classes: int = 10, image_size: int = DEFAULT_IMAGE_SIZE
    ) -> None:
        super().__init__(width, channels + num_classes, image_size=image_size)
        self.num_classes = num_classes

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        planes = one_hot(labels, self.num_classes, x)[:, :, None, None].expand(-1, -1, *x.shape[2:])
        return self.net(torch.cat([x, planes], 1)).squeeze(1)
