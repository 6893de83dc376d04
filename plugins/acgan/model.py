"""A DCGAN discriminator with an auxiliary head on its features (the ACGAN classes)."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.dcgan import DCGANDiscriminator, dcgan_init
from zoo.models.shapes import DEFAULT_IMAGE_SIZE


class AuxiliaryDiscriminator(DCGANDiscriminator):
    """image -> (real/fake logit, ``aux_outputs`` auxiliary outputs) from shared convolutional features."""

    def __init__(
        self, width: int = 64, channels: int = 1, aux_outputs: int = 10, image_size: int = DEFAULT_IMAGE_SIZE
    ) -> None:
        super().__init__(width, channels, image_size=image_size)
        features = self.net[-1].in_features
        self.net = self.net[:-1]  # the convolutional body; the two heads follow
        self.adversarial = nn.Linear(features, 1)
        self.auxiliary = nn.Linear(features, aux_outputs)
        self.adversarial.apply(dcgan_init)
        self.auxiliary.apply(dcgan_init)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.net(x)
        return self.adversarial(h).squeeze(1), self.auxiliary(h)
