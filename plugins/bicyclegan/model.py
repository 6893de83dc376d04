"""BicycleGAN generator (Zhu et al. 2017) for 28x28 digits: Sobel edge maps of digits -> digits whose
stroke weight (thin, as drawn, thick) the edge map leaves open and a latent code picks."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.digit_domains import edges
from zoo.models.image_to_image import DIGITS, Multimodal, UNet

DIRECTION = "edges2digit"


class BicycleGANGenerator(Multimodal):
    """Edge maps ``(N, 1, 28, 28)`` and codes ``(N, style_dim)`` -> digits.

    ``inputs_from(digits)`` makes Sobel edge maps (deterministic);
    ``translate(edges, seed=s)`` draws one N(0, I) code per image from ``s``,
    ``translate(edges, style=codes)`` takes them; ``sample(n)`` translates
    stored training edge maps with random codes.
    """

    metric_notes = {
        "kept": "fraction of test digits whose edge map, translated with a random code, the zoo's MNIST "
        "classifier gives the digit's own label",
        "diversity": "mean absolute pixel difference between translations of the same test edge maps under "
        "two random codes (pixels in [0, 1])",
    }

    def __init__(self, width: int = 16, style_dim: int = 8, examples: int = 1024) -> None:
        super().__init__({DIRECTION: (DIGITS, DIGITS)}, DIRECTION, examples)
        self.style_dim = style_dim
        self.unet = UNet(1, 1, width, code_dim=style_dim)

    def forward(self, x: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        """Edge maps in ``[-1, 1]`` and codes -> digits in ``[-1, 1]``."""
        return self.unet(x, code)

    def translate_styled(self, x: torch.Tensor, direction: str, style: torch.Tensor) -> torch.Tensor:
        return self(x * 2 - 1, style).add(1).mul(0.5)

    def inputs_batch(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return edges(images)


class CodeEncoder(nn.Module):
    """Digits ``(N, 1, 28, 28)`` in ``[-1, 1]`` -> the mean and log-variance of their code, ``(N, style_dim)`` each."""

    def __init__(self, style_dim: int, width: int = 32) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(width, 2 * width, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2 * width, 2 * style_dim),
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, log_var = self.net(x).chunk(2, 1)
        return mean, log_var
