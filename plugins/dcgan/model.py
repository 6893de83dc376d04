"""DCGAN generator and discriminator for 28x28 images."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models import GenerativeModel


def dcgan_init(module: nn.Module) -> None:
    """N(0, 0.02) weights for convolutions and linear layers, N(1, 0.02) for batch norm."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class DCGANGenerator(GenerativeModel):
    """z -> 7x7 feature map -> 14x14 -> 28x28, tanh output mapped to [0, 1]."""

    def __init__(self, latent_dim: int = 100, width: int = 64, channels: int = 1) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.image_shape = (channels, 28, 28)
        self.net = nn.Sequential(
            nn.Linear(latent_dim, 2 * width * 7 * 7, bias=False),
            nn.Unflatten(1, (2 * width, 7, 7)),
            nn.BatchNorm2d(2 * width),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(width, channels, 4, 2, 1),
            nn.Tanh(),
        )
        self.apply(dcgan_init)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Latents -> images in [-1, 1] (the training range)."""
        return self.net(z)

    def generate(self, count: int, rng: torch.Generator) -> torch.Tensor:
        return self(self.noise(count, rng, self.latent_dim)).add_(1).mul_(0.5)


class DCGANDiscriminator(nn.Module):
    """28x28 image in [-1, 1] -> one real/fake logit (28 -> 14 -> 7 -> 4 feature maps)."""

    def __init__(self, width: int = 64, channels: int = 1) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(channels, width, 4, 2, 1),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False),
            nn.BatchNorm2d(2 * width),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(2 * width, 4 * width, 3, 2, 1, bias=False),
            nn.BatchNorm2d(4 * width),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Flatten(),
            nn.Linear(4 * width * 4 * 4, 1),
        )
        self.apply(dcgan_init)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)
