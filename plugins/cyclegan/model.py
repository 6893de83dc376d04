"""CycleGAN generators for 28x28 images: MNIST (A, 1 channel) <-> coloured digits (B, 3 channels)."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.translation import TranslationModel, Translation

from zoo.models.digit_domains import colourise

A, B = (1, 28, 28), (3, 28, 28)


def norm_relu(channels: int) -> list[nn.Module]:
    return [nn.InstanceNorm2d(channels, affine=True), nn.ReLU(inplace=True)]


class ResidualBlock(nn.Module):
    """x + two 3x3 convolutions with instance norm (reflection padding)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3), *norm_relu(channels),
            nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3), nn.InstanceNorm2d(channels, affine=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class ResNetGenerator(nn.Sequential):
    """Zhu et al.'s generator scaled to 28x28: c7s1-w, d2w, d4w, ``blocks`` residual blocks at 7x7,
    u2w, uw, c7s1-out with tanh. Images in ``[-1, 1]``."""

    def __init__(self, fan_in: int, fan_out: int, width: int = 16, blocks: int = 2) -> None:
        super().__init__(
            nn.ReflectionPad2d(3), nn.Conv2d(fan_in, width, 7), *norm_relu(width),
            nn.Conv2d(width, 2 * width, 3, 2, 1), *norm_relu(2 * width),
            nn.Conv2d(2 * width, 4 * width, 3, 2, 1), *norm_relu(4 * width),
            *[ResidualBlock(4 * width) for _ in range(blocks)],
            nn.ConvTranspose2d(4 * width, 2 * width, 3, 2, 1, output_padding=1), *norm_relu(2 * width),
            nn.ConvTranspose2d(2 * width, width, 3, 2, 1, output_padding=1), *norm_relu(width),
            nn.ReflectionPad2d(3), nn.Conv2d(width, fan_out, 7), nn.Tanh(),
        )


class CycleGANGenerators(TranslationModel):
    """Both generators: ``b2a`` (coloured -> MNIST, 3 -> 1 channels) and ``a2b`` (MNIST -> coloured).

    ``translate(x, direction="b2a" | "a2b")`` takes ``(N, 3, 28, 28)`` coloured
    images for ``b2a`` (the default: into the dataset's domain) and
    ``(N, 1, 28, 28)`` MNIST-like ones for ``a2b``, in ``[0, 1]``.
    ``inputs_from(digits, seed=s)`` colours MNIST digits in the training style
    (:func:`zoo.models.digit_domains.colourise`, styles drawn from ``s``).
    ``sample(n)`` turns ``n`` of the ``examples`` coloured digits stored with
    the weights (styled training digits) back into MNIST digits, so its images
    are ``(n, 1, 28, 28)``.
    """

    metric_notes = {
        "cycle_label_accuracy": "fraction of test digits that the zoo's MNIST classifier still gives their label "
        "after the round trip b2a(a2b(x))",
        "b2a_label_accuracy": "fraction of test digits, coloured by the training style (seed 0) and translated "
        "back with b2a, that the zoo's MNIST classifier gives their label",
    }

    def __init__(self, width: int = 16, blocks: int = 2, examples: int = 1024) -> None:
        super().__init__({"b2a": (B, A), "a2b": (A, B)}, "b2a", examples)
        self.a2b = ResNetGenerator(A[0], B[0], width, blocks)
        self.b2a = ResNetGenerator(B[0], A[0], width, blocks)

    def forward(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        """Images in ``[-1, 1]`` -> their translation in ``[-1, 1]`` (the training range)."""
        return (self.a2b if direction == "a2b" else self.b2a)(x)

    def translate_batch(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        return self(x * 2 - 1, direction).add(1).mul(0.5)

    def inputs_batch(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return colourise(images, generator)

    def label_keeping_translations(self, images: torch.Tensor) -> dict[str, tuple[torch.Tensor, Translation]]:
        """Test digits should keep their label through the round trip b2a(a2b(x)), and when coloured by
        the training style (seed 0) and translated back with b2a."""
        styled = colourise(images, torch.Generator().manual_seed(0))
        def round_trip(batch: torch.Tensor) -> torch.Tensor:
            return self.translate_batch(self.translate_batch(batch, "a2b"), "b2a")

        return {
            "cycle_label_accuracy": (images, round_trip),
            "b2a_label_accuracy": (styled, lambda batch: self.translate_batch(batch, "b2a")),
        }
