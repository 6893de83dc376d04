"""A gated PixelCNN (van den Oord et al. 2016) for binary images."""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from zoo.models.likelihood import AutoregressiveModel, QuotedNLL
from zoo.models.noise import SampleNoise

# The papers' test NLLs on binarised MNIST that the bench shows beside this flavour's own.
QUOTED_NLL = (
    QuotedNLL("NADE", 88.3, "Larochelle and Murray 2011", "mnist"),
    QuotedNLL("MADE", 86.6, "Germain et al. 2015", "mnist"),
    QuotedNLL("PixelCNN", 81.3, "van den Oord et al. 2016", "mnist"),
    QuotedNLL("PixelRNN", 79.2, "van den Oord et al. 2016", "mnist"),
)


class GatedLayer(nn.Module):
    """One gated layer with a vertical and a horizontal stack and no blind spot.

    The vertical stack at (i, j) sees rows up to i (a ``(k//2 + 1) x k``
    convolution over rows i - k//2 .. i) and reaches the horizontal stack
    shifted down by one row, so that only rows above i get there. The
    horizontal stack sees pixels left of j in row i: the first layer
    (``first``) reads the image shifted right by one, later layers add a
    residual. Gates are tanh(a) * sigmoid(b).
    """

    def __init__(self, channels_in: int, channels: int, kernel: int, first: bool = False) -> None:
        super().__init__()
        if kernel < 1 or kernel % 2 == 0:
            raise ValueError(f"kernel must be a positive odd size, got {kernel}")
        self.kernel, self.first = kernel, first
        half = kernel // 2
        self.vertical = nn.Conv2d(channels_in, 2 * channels, (half + 1, kernel))
        self.horizontal = nn.Conv2d(channels_in, 2 * channels, (1, half + 1))
        self.v_to_h = nn.Conv2d(2 * channels, 2 * channels, 1)
        self.h_out = nn.Conv2d(channels, channels, 1)

    @property
    def half(self) -> int:
        return self.kernel // 2

    @property
    def offset(self) -> int:
        """Zero columns left of the horizontal stack's input (one more in the first layer)."""
        return self.half + int(self.first)

    def forward(self, v: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        half = self.half
        if self.first:  # shift right by one: the horizontal stack never sees pixel (i, j) itself
            h = F.pad(h, (1, 0))[:, :, :, :-1]
        v_pre = self.vertical(F.pad(v, (half, half, half, 0)))
        h_pre = self.horizontal(F.pad(h, (half, 0))) + self.v_to_h(F.pad(v_pre, (0, 0, 1, 0))[:, :, :-1])
        v_new = gate(v_pre)
        h_new = self.h_out(gate(h_pre))
        return v_new, h_new if self.first else h + h_new


def gate(x: torch.Tensor) -> torch.Tensor:
    """tanh of the first half of the channels times the sigmoid of the second half."""
    a, b = x.chunk(2, dim=1)
    return torch.tanh(a) * torch.sigmoid(b)


class PixelStep:
    """One gated layer's horizontal stack at a single pixel, as matrix products.

    Takes the window of the layer's horizontal input left of the pixel,
    ``(count, columns * channels)`` column by column, and the vertical stack's
    contribution ``(count, 2 * channels)``; gives the layer's new output
    ``(count, channels)``, before the residual.
    """

    def __init__(self, layer: GatedLayer) -> None:
        weight = layer.horizontal.weight  # (2C, C_in, 1, columns)
        self.weight = weight[:, :, 0].transpose(1, 2).flatten(1)  # column-major, as the window is
        self.bias, self.out = layer.horizontal.bias, layer.h_out

    def __call__(self, window: torch.Tensor, vertical: torch.Tensor) -> torch.Tensor:
        return conv_as_linear(self.out, gate(F.linear(window, self.weight, self.bias) + vertical))


def conv_as_linear(conv: nn.Conv2d, x: torch.Tensor) -> torch.Tensor:
    """A 1x1 convolution applied to features ``(count, channels)``."""
    return F.linear(x, conv.weight.flatten(1), conv.bias)


class PixelCNN(AutoregressiveModel):
    """p(x) = prod_t Bernoulli(x_t; sigmoid(logit_t(x_<t))) in raster order, from a
    stack of gated layers (``layers``, ``channels`` wide, first kernel
    ``first_kernel``, then ``kernel``) and a 1x1 ReLU head.

    Training and ``log_likelihood`` run all pixels in one pass (``forward``).
    Sampling (``draw``) computes each layer's output once per pixel: the
    vertical stack one row at a time when a row is complete, the horizontal
    stack one pixel at a time, so a batch costs about one full pass of
    arithmetic spread over 784 steps.
    """

    image_shape = (1, 28, 28)
    quoted_nll = QUOTED_NLL

    def __init__(self, channels: int = 32, layers: int = 8, kernel: int = 3, first_kernel: int = 7, head: int = 64) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            [GatedLayer(1, channels, first_kernel, first=True)]
            + [GatedLayer(channels, channels, kernel) for _ in range(layers - 1)]
        )
        self.head = nn.Sequential(nn.ReLU(), nn.Conv2d(channels, head, 1), nn.ReLU(), nn.Conv2d(head, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, 1, 28, 28)``: pixel (i, j) given the pixels before it in raster order."""
        v = h = 2 * x - 1
        for layer in self.layers:
            v, h = layer(v, h)
        return self.head(h)

    @torch.inference_mode()
    def draw(self, noise: SampleNoise) -> tuple[torch.Tensor, torch.Tensor]:
        """One image per generator of ``noise`` drawn pixel by pixel, and the log-probability in nats the model
        gave each: ``(count, 1, 28, 28)`` in {0, 1} and ``(count,)``.

        Pixel ``t`` is 1 when the image's ``t``-th uniform number (drawn on the CPU
        from its own generator) falls below its probability, so a seed gives the same images on any device.
        Per pixel, the horizontal stacks and the head are matrix products over
        ``(count, features)``; the vertical stacks run as convolutions once per row.
        """
        count = len(noise)
        _, height, width = self.image_shape
        uniforms = noise.uniform(height * width).to(self.device, self.dtype)
        zeros, layers, first = uniforms.new_zeros, self.layers, self.layers[0]
        widths = [layer.vertical.in_channels for layer in layers]
        steps = [PixelStep(layer) for layer in layers]
        # per layer: its vertical input padded as forward pads it, and its horizontal input
        # on the current row as (count, columns, channels), so a window is one matrix row
        v_in = [zeros(count, c, height + layer.half, width + 2 * layer.half) for c, layer in zip(widths, layers)]
        h_in = [zeros(count, width + layer.offset, c) for c, layer in zip(widths, layers)]
        v_pre = [zeros(count, layer.v_to_h.in_channels, 1, width) for layer in layers]  # the row above
        log_prob = zeros(count)
        for i in range(height):
            v_to_h = [layer.v_to_h(pre)[:, :, 0].transpose(1, 2).contiguous() for layer, pre in zip(layers, v_pre)]
            for j in range(width):
                h = None
                for l, (layer, step) in enumerate(zip(layers, steps)):
                    new = step(h_in[l][:, j : j + layer.half + 1].flatten(1), v_to_h[l][:, j])
                    h = new if layer.first else h + new
                    if l + 1 < len(layers):
                        h_in[l + 1][:, j + layers[l + 1].offset] = h
                logit = h
                for module in self.head:  # the head's 1x1 convolutions as matrix products
                    logit = conv_as_linear(module, logit) if isinstance(module, nn.Conv2d) else module(logit)
                logit = logit.flatten()
                pixel = (uniforms[:, i * width + j] < torch.sigmoid(logit)).to(self.dtype)
                log_prob -= F.binary_cross_entropy_with_logits(logit, pixel, reduction="none")
                v_in[0][:, 0, i + first.half, j + first.half] = 2 * pixel - 1
                h_in[0][:, j + first.offset, 0] = 2 * pixel - 1
            for l, layer in enumerate(layers):  # row i is complete: every layer's vertical stack on row i
                v_pre[l] = layer.vertical(v_in[l][:, :, i : i + layer.half + 1])
                if l + 1 < len(layers):
                    half = layers[l + 1].half
                    v_in[l + 1][:, :, i + half, half : half + width] = gate(v_pre[l])[:, :, 0]
        images = (v_in[0][:, :, first.half :, first.half : first.half + width] + 1) / 2
        return images.reshape(count, *self.image_shape), log_prob

    def generate(self, noise: SampleNoise, **conditioning: Any) -> torch.Tensor:
        return self.draw(noise)[0]
