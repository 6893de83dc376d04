"""The VAE-GAN's autoencoder: a DCGAN discriminator's body as Gaussian encoder, a DCGAN generator as decoder."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.autoencoder import Autoencoder
from zoo.models.dcgan import dcgan_init, dcgan_layout, downsampler, upsampler
from zoo.models.gaussian_mixture import GaussianMixtureCodePrior
from zoo.models.shapes import DEFAULT_IMAGE_SIZE, square_image_shape


class VAEGAN(Autoencoder):
    """q(z|x) = N(mean(x), diag(exp(logvar(x)))) by strided convolutions; z -> image by transposed
    convolutions; prior N(0, I). ``encode`` gives the posterior mean. With ``code_prior_components``
    ``sample`` decodes draws of a Gaussian mixture fitted to posterior means after training, else of N(0, I)."""

    def __init__(
        self, latent_dim: int = 32, width: int = 64, channels: int = 1, image_size: int = DEFAULT_IMAGE_SIZE,
        code_prior_components: int = 0,
    ) -> None:
        super().__init__(latent_dim, square_image_shape(channels, image_size, "VAE-GAN"))
        if code_prior_components:
            self.code_prior = GaussianMixtureCodePrior(latent_dim, code_prior_components)
        base, stages = dcgan_layout(image_size, "VAE-GAN")
        top = width * 2 ** (stages - 1)
        self.encoder = nn.Sequential(
            *downsampler(channels, width, 0.2, stages), nn.Flatten(), nn.Linear(top * base * base, 2 * latent_dim)
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, top * base * base, bias=False), nn.Unflatten(1, (top, base, base)),
            nn.BatchNorm2d(top), nn.ReLU(inplace=True), *upsampler(width, channels, stages),
        )
        self.apply(dcgan_init)

    def posterior(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of q(z|x) for images in [0, 1]."""
        mean, logvar = self.encoder(x * 2 - 1).chunk(2, dim=1)
        return mean, logvar

    def decode_signed(self, z: torch.Tensor) -> torch.Tensor:
        """Images in [-1, 1], as the discriminator sees them."""
        return self.decoder(z)

    def encode_batch(self, x: torch.Tensor) -> torch.Tensor:
        return self.posterior(x)[0]

    def decode_batch(self, z: torch.Tensor) -> torch.Tensor:
        return (self.decode_signed(z) + 1) / 2
