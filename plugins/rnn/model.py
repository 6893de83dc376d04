"""A GRU that models binary images pixel by pixel in raster order."""
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


class PixelRNN(AutoregressiveModel):
    """p(x) = prod_t Bernoulli(x_t; sigmoid(logit_t(x_<t))) over the pixels in raster order.

    At step ``t`` the GRU reads the previous pixel ``x_{t-1}`` (0 before the
    first), the ``window`` pixels of the row above centred on the column of
    pixel ``t`` (0 outside the image; all come before ``t``) and, with
    ``positions``, the one-hot row and column of pixel ``t``. A linear head
    turns its top hidden state into the logit of ``x_t``. Training runs the
    whole sequence in one teacher-forced pass (``forward``); sampling runs the
    same ``nn.GRU`` one step at a time, carrying its state.
    """

    image_shape = (1, 28, 28)
    quoted_nll = QUOTED_NLL

    def __init__(self, hidden: int = 64, layers: int = 1, window: int = 5, positions: bool = True) -> None:
        super().__init__()
        if window < 1 or window % 2 == 0:
            raise ValueError(f"window must be a positive odd number of pixels, got {window}")
        _, self.height, self.width = self.image_shape
        self.num_pixels = self.height * self.width
        self.window = window
        codes = torch.zeros(self.num_pixels, (self.height + self.width) if positions else 0)
        if positions:
            steps = torch.arange(self.num_pixels)
            codes[steps, steps // self.width] = 1.0
            codes[steps, self.height + steps % self.width] = 1.0
        self.register_buffer("position_codes", codes, persistent=False)
        self.rnn = nn.GRU(1 + window + codes.shape[1], hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def padded(self, images: torch.Tensor) -> torch.Tensor:
        """``(N, H, W)`` images with a zero row on top and ``window // 2`` zero columns each side."""
        half = self.window // 2
        return F.pad(images, (half, half, 1, 0))

    def inputs(self, previous: torch.Tensor, above: torch.Tensor, start: int) -> torch.Tensor:
        """GRU inputs ``(N, T, features)`` for steps ``start .. start + T - 1`` from their
        previous pixels ``(N, T)`` and row-above windows ``(N, T, window)``."""
        codes = self.position_codes[start : start + previous.shape[1]]
        return torch.cat([previous.unsqueeze(-1), above, codes.expand(previous.shape[0], -1, -1)], -1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits ``(N, 784)``: pixel ``t`` given pixels ``< t`` of binary ``x``."""
        pixels = x.reshape(-1, self.num_pixels)
        previous = F.pad(pixels[:, :-1], (1, 0))
        rows = self.padded(pixels.view(-1, self.height, self.width))[:, : self.height]
        above = rows.unfold(2, self.window, 1).reshape(-1, self.num_pixels, self.window)
        out, _ = self.rnn(self.inputs(previous, above, 0))
        return self.head(out).squeeze(-1)

    @torch.inference_mode()
    def draw(self, noise: SampleNoise) -> tuple[torch.Tensor, torch.Tensor]:
        """One image per generator of ``noise`` drawn pixel by pixel, and the log-probability in nats the model
        gave each image along the way: ``(count, 1, 28, 28)`` in {0, 1} and ``(count,)``.

        Pixel ``t`` is 1 when the image's ``t``-th uniform number (drawn on the CPU
        from its own generator) falls below its probability, so a seed gives the same images on any device.
        """
        count = len(noise)
        uniforms = noise.uniform(self.num_pixels).to(self.device, self.dtype)
        canvas = self.padded(uniforms.new_zeros(count, self.height, self.width))
        log_prob = uniforms.new_zeros(count)
        previous = uniforms.new_zeros(count, 1)
        hidden = None
        for t in range(self.num_pixels):
            row, col = divmod(t, self.width)
            above = canvas[:, row, col : col + self.window].unsqueeze(1)
            out, hidden = self.rnn(self.inputs(previous, above, t), hidden)
            logit = self.head(out[:, 0]).squeeze(-1)
            pixel = (uniforms[:, t] < torch.sigmoid(logit)).to(self.dtype)
            log_prob -= F.binary_cross_entropy_with_logits(logit, pixel, reduction="none")
            canvas[:, row + 1, col + self.window // 2] = pixel
            previous = pixel.unsqueeze(1)
        images = canvas[:, 1:, self.window // 2 : self.window // 2 + self.width]
        return images.reshape(count, *self.image_shape), log_prob

    def generate(self, noise: SampleNoise, **conditioning: Any) -> torch.Tensor:
        return self.draw(noise)[0]
