"""MUNIT networks (Huang et al. 2018) for 28x28 images: a content code (14x14 feature maps) shared by
both domains and a style code (8 numbers) of each domain; decoders take the style through adaptive
instance normalisation (AdaIN) whose scales and shifts an MLP computes from the style."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.image_to_image import COLOURED, DIGITS, ColouredDigitsTranslation, Multimodal, ResidualBlock

DOMAINS = {"a": DIGITS[0], "b": COLOURED[0]}


def content_encoder(channels: int, width: int) -> nn.Sequential:
    """Images ``(N, C, 28, 28)`` -> content codes ``(N, 2 * width, 14, 14)``."""
    return nn.Sequential(
        nn.Conv2d(channels, width, 7, 1, 3), nn.InstanceNorm2d(width, affine=True), nn.ReLU(inplace=True),
        nn.Conv2d(width, 2 * width, 4, 2, 1), nn.InstanceNorm2d(2 * width, affine=True), nn.ReLU(inplace=True),
        ResidualBlock(2 * width),
    )


def style_encoder(channels: int, width: int, style_dim: int) -> nn.Sequential:
    """Images ``(N, C, 28, 28)`` -> style codes ``(N, style_dim)`` (no normalisation: it would erase style)."""
    return nn.Sequential(
        nn.Conv2d(channels, width, 7, 1, 3), nn.ReLU(inplace=True),
        nn.Conv2d(width, 2 * width, 4, 2, 1), nn.ReLU(inplace=True),
        nn.Conv2d(2 * width, 2 * width, 4, 2, 1), nn.ReLU(inplace=True),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2 * width, style_dim),
    )


class AdaINBlock(nn.Module):
    """x + conv-AdaIN-ReLU-conv-AdaIN(x): instance norm without parameters, then a scale and a shift per
    channel given from outside."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(width, width, 3, 1, 1), nn.Conv2d(width, width, 3, 1, 1)
        self.norm = nn.InstanceNorm2d(width, affine=False)

    def forward(self, x: torch.Tensor, params: torch.Tensor) -> torch.Tensor:
        scale1, shift1, scale2, shift2 = (p[..., None, None] for p in params.chunk(4, 1))
        h = torch.relu(self.norm(self.conv1(x)) * (1 + scale1) + shift1)
        return x + self.norm(self.conv2(h)) * (1 + scale2) + shift2


class Decoder(nn.Module):
    """Content codes ``(N, 2 * width, 14, 14)`` and style codes -> images ``(N, C, 28, 28)`` in ``[-1, 1]``."""

    def __init__(self, channels: int, width: int, style_dim: int) -> None:
        super().__init__()
        self.block = AdaINBlock(2 * width)
        self.mlp = nn.Sequential(nn.Linear(style_dim, 4 * width), nn.ReLU(inplace=True), nn.Linear(4 * width, 8 * width))
        self.up = nn.Sequential(
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(2 * width, width, 5, 1, 2),
            nn.GroupNorm(1, width), nn.ReLU(inplace=True), nn.Conv2d(width, channels, 7, 1, 3), nn.Tanh(),
        )

    def forward(self, content: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        return self.up(self.block(content, self.mlp(style)))


class MUNITNetworks(Multimodal, ColouredDigitsTranslation):
    """``b2a`` (coloured -> MNIST, the default) and ``a2b``, each output depending on a style code.

    ``translate(coloured, seed=s)`` draws one N(0, I) style code per image
    from ``s``; ``translate(coloured, style=codes)`` takes them (e.g. from
    :meth:`style_of` a reference image). ``inputs_from(digits, seed=s)`` colours
    digits; ``sample(n)`` translates stored coloured training digits with
    random styles.
    """

    metric_notes = {
        "kept": "fraction of coloured test digits (styles of seed 0) translated by b2a with random style "
        "codes that the zoo's MNIST classifier gives the digit's own label",
        "diversity": "mean absolute pixel difference between b2a translations of the same coloured test "
        "digits under two random style codes (pixels in [0, 1])",
    }

    def __init__(self, width: int = 16, style_dim: int = 8, examples: int = 1024) -> None:
        super().__init__(examples)
        self.style_dim = style_dim
        self.content = nn.ModuleDict({name: content_encoder(channels, width) for name, channels in DOMAINS.items()})
        self.style = nn.ModuleDict({name: style_encoder(channels, width, style_dim) for name, channels in DOMAINS.items()})
        self.decoders = nn.ModuleDict({name: Decoder(channels, width, style_dim) for name, channels in DOMAINS.items()})

    def style_of(self, images: torch.Tensor, domain: str) -> torch.Tensor:
        """Style codes ``(N, style_dim)`` of images of ``domain`` (``"a"`` or ``"b"``) in ``[0, 1]``."""
        return self.style[domain](images.to(self.device, self.dtype) * 2 - 1)

    def translate_styled(self, x: torch.Tensor, direction: str, style: torch.Tensor) -> torch.Tensor:
        return self(x * 2 - 1, direction, style).add(1).mul(0.5)

    def forward(self, x: torch.Tensor, direction: str, style: torch.Tensor) -> torch.Tensor:
        """Images in ``[-1, 1]`` -> their translation in ``direction`` with style codes ``style``, in ``[-1, 1]``."""
        source, target = direction.split("2")
        return self.decoders[target](self.content[source](x), style)
