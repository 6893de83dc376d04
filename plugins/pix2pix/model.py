"""pix2pix generator for 28x28 images: Sobel edge map -> digit, through a small U-Net."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.digit_domains import edges as edge_map
from zoo.models.translation import EVAL_BATCH, TranslationModel, Translation

DIRECTION = "edges2digit"


def down(fan_in: int, fan_out: int) -> nn.Sequential:
    """Halve the resolution: 4x4 stride-2 convolution, batch norm, LeakyReLU(0.2)."""
    return nn.Sequential(
        nn.Conv2d(fan_in, fan_out, 4, 2, 1, bias=False), nn.BatchNorm2d(fan_out), nn.LeakyReLU(0.2, inplace=True)
    )


def up(fan_in: int, fan_out: int) -> nn.Sequential:
    """Double the resolution: 4x4 stride-2 transposed convolution, batch norm, ReLU."""
    return nn.Sequential(
        nn.ConvTranspose2d(fan_in, fan_out, 4, 2, 1, bias=False), nn.BatchNorm2d(fan_out), nn.ReLU(inplace=True)
    )


class UNet(nn.Module):
    """28 -> 14 -> 7 -> 14 -> 28 with skip connections; input and output in ``[-1, 1]``."""

    def __init__(self, channels: int = 1, width: int = 32) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(channels, width, 3, 1, 1), nn.LeakyReLU(0.2, inplace=True))
        self.down1 = down(width, 2 * width)
        self.down2 = down(2 * width, 4 * width)
        self.up2 = up(4 * width, 2 * width)
        self.up1 = up(4 * width, width)
        self.head = nn.Sequential(nn.Conv2d(2 * width, channels, 3, 1, 1), nn.Tanh())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s28 = self.stem(x)
        s14 = self.down1(s28)
        s7 = self.down2(s14)
        u14 = self.up2(s7)
        u28 = self.up1(torch.cat([u14, s14], 1))
        return self.head(torch.cat([u28, s28], 1))


class Pix2PixGenerator(TranslationModel):
    """Edge maps (see :func:`zoo.models.digit_domains.edges`) -> digits.

    ``translate(x)`` takes edge maps ``(N, 1, 28, 28)`` in ``[0, 1]``, which
    ``inputs_from(digits)`` makes; ``sample(n)`` translates ``n`` of the
    ``examples`` edge maps of training digits stored with the weights. The
    generator has no dropout, so a translation is deterministic.
    """

    metric_notes = {
        "translation_label_accuracy": "fraction of test digits whose edge map, translated back into a digit, "
        "the zoo's MNIST classifier gives the digit's own label",
        "translation_l1": "mean absolute error per pixel (pixels in [0, 1]) between translated test edge maps "
        "and the test digits they came from",
    }

    def __init__(self, width: int = 32, examples: int = 1024) -> None:
        super().__init__({DIRECTION: ((1, 28, 28), (1, 28, 28))}, DIRECTION, examples)
        self.unet = UNet(1, width)

    def forward(self, edges: torch.Tensor) -> torch.Tensor:
        """Edge maps in ``[-1, 1]`` -> digits in ``[-1, 1]`` (the training range)."""
        return self.unet(edges)

    def translate_batch(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        return self(x * 2 - 1).add(1).mul(0.5)

    def inputs_batch(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return edge_map(images)

    def label_keeping_translations(self, images: torch.Tensor) -> dict[str, tuple[torch.Tensor, Translation]]:
        """Test digits turned into edge maps and translated back should stay the same digit."""
        return {"translation_label_accuracy": (images, lambda batch: self.translate_batch(edge_map(batch), DIRECTION))}

    @torch.inference_mode()
    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """L1 error of the digits translated back from test edge maps."""
        error = 0.0
        for start in range(0, images.shape[0], EVAL_BATCH):
            batch = images[start : start + EVAL_BATCH].to(self.device, self.dtype)
            error += (self.translate_batch(edge_map(batch), DIRECTION) - batch).abs().sum().item()
        return {"translation_l1": round(error / images.numel(), 5)}
