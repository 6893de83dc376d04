"""A deterministic MLP autoencoder, for images of any size; sampling decodes codes from a fitted Gaussian."""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from zoo.models.autoencoder import Autoencoder, gaussian_noise, masking_noise, mlp
from zoo.models.gaussian_mixture import GaussianMixtureCodePrior
from zoo.models.shapes import DEFAULT_IMAGE_SIZE, square_image_shape
from zoo.models.noise import SampleNoise

CODE_ACTIVATIONS = ("linear", "relu")
# decoder outputs start at sigmoid(-2.2) = 0.1: images that are mostly dark, as digits are.
# From 0.5 everywhere, MSE first drives every pixel towards 0 and the sigmoid saturates.
OUTPUT_BIAS = -2.2
# corruptions measured on the test set: how well the model denoises what it never saw clean
TEST_NOISE = {"gaussian": (gaussian_noise, 0.5), "masking": (masking_noise, 0.5)}


class MLPAutoencoder(Autoencoder):
    """Image -> MLP -> code of ``latent_dim`` -> MLP -> image.

    A plain autoencoder has no prior over its codes: ``sample`` decodes draws
    from a full-covariance Gaussian fitted to training codes (``code_prior``,
    set when the recipe exports the weights), or with ``code_prior_components``
    = M > 0 from a mixture of M such Gaussians (ex-post density estimation,
    Ghosh et al. 2020). Nothing in training asks the
    decoder to turn such draws into digits, so samples are worse than a VAE's.
    """

    metric_notes = {
        **Autoencoder.metric_notes,
        "denoise_mse_gaussian_0.5": "the same MSE against the clean image when the input has N(0, 0.5^2) noise added",
        "denoise_mse_masking_0.5": "the same MSE against the clean image when half the input pixels are set to zero",
        "confident_fraction": (
            "samples decode draws from a Gaussian fitted to the training codes; an autoencoder's code space "
            "is not regularised, so many draws land where the decoder makes no clear digit (VAEs fix this)"
        ),
    }

    def __init__(
        self,
        latent_dim: int = 16,
        hidden: Sequence[int] = (512, 256),
        code_activation: str = "linear",
        channels: int = 1,
        fitted_prior: bool = True,
        image_size: int = DEFAULT_IMAGE_SIZE,
        code_prior_components: int = 0,
    ) -> None:
        image_shape = square_image_shape(channels, image_size, "MLP autoencoder")
        super().__init__(latent_dim, image_shape, fitted_prior=fitted_prior)
        if fitted_prior and code_prior_components:
            self.code_prior = GaussianMixtureCodePrior(latent_dim, code_prior_components)
        if code_activation not in CODE_ACTIVATIONS:
            raise ValueError(f"code_activation must be one of {', '.join(CODE_ACTIVATIONS)}, got {code_activation!r}")
        self.code_activation = code_activation
        sizes = [self.image_size, *hidden, latent_dim]
        self.encoder = mlp(sizes)
        self.decoder = mlp(sizes[::-1])
        nn.init.constant_(self.decoder[-1].bias, OUTPUT_BIAS)

    def activate(self, z: torch.Tensor) -> torch.Tensor:
        return F.relu(z) if self.code_activation == "relu" else z

    def encode_batch(self, x: torch.Tensor) -> torch.Tensor:
        return self.activate(self.encoder(x.flatten(1)))

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z).view(-1, *self.image_shape)

    def decode_batch(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.decode_logits(z))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Training pass: codes and reconstruction logits."""
        codes = self.encode_batch(x)
        return codes, self.decode_logits(codes)

    def draw_codes(self, noise: SampleNoise) -> torch.Tensor:
        return self.activate(super().draw_codes(noise))

    @torch.inference_mode()
    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """Reconstruction MSE of clean test images, and of corrupted ones against the clean."""
        metrics = super().evaluation_metrics(images, labels)
        rng = torch.Generator().manual_seed(0)
        for name, (corrupt, level) in TEST_NOISE.items():
            x = images.to(self.device, self.dtype)
            total = sum(
                (self.reconstruct(corrupt(batch, level, rng)) - batch).square().sum().item() for batch in x.split(1000)
            )
            metrics[f"denoise_mse_{name}_{level}"] = round(total / images.numel(), 5)
        return metrics
