"""Row LSTM PixelRNN (van den Oord et al. 2016) over binarised 28x28 images."""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from zoo.models.likelihood import AutoregressiveModel, QuotedNLL
from zoo.models.noise import SampleNoise

# The papers' test NLLs on binarised MNIST that the bench shows beside this flavour's own.
QUOTED_NLL = (
    QuotedNLL("PixelCNN", 81.3, "van den Oord et al. 2016", "mnist"),
    QuotedNLL("PixelRNN, Diagonal BiLSTM", 79.2, "van den Oord et al. 2016", "mnist"),
)


class RowLSTM(nn.Module):
    """One Row LSTM layer: the gates of pixel (i, j) come from a masked 1 x ``kernel`` convolution of
    row i of the input (columns ``j - kernel + 1 .. j``, column j left out when ``exclusive``) and a
    1 x 3 convolution of the layer's hidden state on row i - 1 (columns ``j - 1 .. j + 1``).

    The first layer (``exclusive``) also reads the input's row i - 1 through a 1 x 3 convolution, as the
    paper's first masked convolution does: without it the last pixel of a row would reach no state.
    """

    def __init__(self, channels_in: int, hidden: int, kernel: int, exclusive: bool) -> None:
        super().__init__()
        self.kernel, self.hidden = kernel, hidden
        self.input_to_state = nn.Conv1d(channels_in, 4 * hidden, kernel)
        self.state_to_state = nn.Conv1d(hidden, 4 * hidden, 3, padding=1, bias=False)
        self.input_above = nn.Conv1d(channels_in, 4 * hidden, 3, padding=1, bias=False) if exclusive else None
        mask = torch.ones(1, 1, kernel)
        if exclusive:
            mask[..., -1] = 0
        self.register_buffer("mask", mask, persistent=False)

    def gates_from_input(self, row: torch.Tensor) -> torch.Tensor:
        """Input gates ``(N, 4h, W)`` of a whole input row ``(N, C, W)`` (causal, masked)."""
        return F.conv1d(F.pad(row, (self.kernel - 1, 0)), self.input_to_state.weight * self.mask, self.input_to_state.bias)

    def cell(self, gates: torch.Tensor, c_above: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """LSTM update from pre-activations ``(..., 4h, ...)`` along dim 1 and the cell state above."""
        o, f, i, g = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c_above + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c

    def forward_row(
        self, row: torch.Tensor, row_above: torch.Tensor, h_above: torch.Tensor, c_above: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Hidden and cell states ``(N, h, W)`` of a row, given its input row, the input row above and the states above."""
        gates = self.gates_from_input(row) + self.state_to_state(h_above)
        if self.input_above is not None:
            gates = gates + self.input_above(row_above)
        return self.cell(gates, c_above)

    def forward_pixel(
        self, window: torch.Tensor, row_above: torch.Tensor, h_above: torch.Tensor, c_above: torch.Tensor, j: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """States ``(N, h)`` of pixel j from its input window ``(N, C, kernel)`` (the row's columns
        ``j - kernel + 1 .. j``, zero-padded), the input row above ``(N, C, W)`` and the full row of
        states above ``(N, h, W)``."""
        gates = F.conv1d(window, self.input_to_state.weight * self.mask, self.input_to_state.bias)[:, :, 0]
        gates = gates + F.conv1d(F.pad(h_above, (1, 1))[:, :, j : j + 3], self.state_to_state.weight)[:, :, 0]
        if self.input_above is not None:
            gates = gates + F.conv1d(F.pad(row_above, (1, 1))[:, :, j : j + 3], self.input_above.weight)[:, :, 0]
        return self.cell(gates, c_above[:, :, j])


class PixelRNN(AutoregressiveModel):
    """p(x) = prod_t Bernoulli(x_t; sigmoid(logit_t(x_<t))) in raster order from ``layers`` Row LSTM
    layers (``hidden`` channels, input kernel ``kernel``; the first excludes the current pixel, the
    others add residual connections) and a 1x1 ReLU head.

    ``forward`` runs all rows one after another, each row's columns at once;
    ``draw`` runs pixel by pixel, computing each layer's states at one pixel
    per step, so sampling costs about one forward pass spread over 784 steps.
    """

    image_shape = (1, 28, 28)
    quoted_nll = QUOTED_NLL
    tiny_config = {"layers": 1}  # the conformance kit's: sampling costs a pass per pixel and layer
    # (tests/test_pixelrnn.py samples stacks of several layers)

    def __init__(self, hidden: int = 32, layers: int = 4, kernel: int = 3, head: int = 64) -> None:
        super().__init__()
        if layers < 1 or kernel < 2:
            raise ValueError(f"layers must be at least 1 and kernel at least 2, got {layers}, {kernel}")
        self.layers = nn.ModuleList(
            [RowLSTM(1, hidden, kernel, exclusive=True)] + [RowLSTM(hidden, hidden, kernel, exclusive=False) for _ in range(layers - 1)]
        )
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(hidden, head), nn.ReLU(), nn.Linear(head, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, 1, 28, 28)``: pixel (i, j) given the pixels before it in raster order."""
        _, height, width = self.image_shape
        x = 2 * x.reshape(-1, 1, height, width) - 1
        states = [(x.new_zeros(len(x), layer.hidden, width),) * 2 for layer in self.layers]
        rows = []
        x = F.pad(x, (0, 0, 1, 0))  # a row of zeros above the first
        for i in range(height):
            out, row_above = x[:, :, i + 1], x[:, :, i]
            for l, layer in enumerate(self.layers):
                h, c = layer.forward_row(out, row_above, *states[l])
                states[l] = (h, c)
                out = h if l == 0 else out + h
            rows.append(out)
        features = torch.stack(rows, 2)  # (N, h, H, W)
        return self.head(features.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)

    @torch.inference_mode()
    def draw(self, noise: SampleNoise) -> tuple[torch.Tensor, torch.Tensor]:
        """One image per generator of ``noise`` drawn pixel by pixel, and the log-probability in nats the model
        gave it: ``(count, 1, 28, 28)`` in {0, 1} and ``(count,)``.

        Pixel ``t`` is 1 when the image's ``t``-th uniform number (drawn on the CPU
        from its own generator) falls below its probability, so a seed gives the same images on any device.
        """
        count = len(noise)
        _, height, width = self.image_shape
        uniforms = noise.uniform(height * width).to(self.device, self.dtype)
        zeros = uniforms.new_zeros
        pad = [layer.kernel - 1 for layer in self.layers]
        # per layer: its input on the current row, left-padded, and its states on the row above and this row
        inputs = [zeros(count, layer.input_to_state.in_channels, width + p) for layer, p in zip(self.layers, pad)]
        above = [(zeros(count, layer.hidden, width), zeros(count, layer.hidden, width)) for layer in self.layers]
        current = [(zeros(count, layer.hidden, width), zeros(count, layer.hidden, width)) for layer in self.layers]
        images = zeros(count, height + 1, width)  # signed pixels under a row of zeros
        log_prob = zeros(count)
        for i in range(height):
            for buffer in inputs:
                buffer.zero_()
            for j in range(width):
                out = None
                for l, layer in enumerate(self.layers):
                    window = inputs[l][:, :, j : j + layer.kernel]
                    h, c = layer.forward_pixel(window, images[:, None, i], *above[l], j)
                    current[l][0][:, :, j], current[l][1][:, :, j] = h, c
                    out = h if l == 0 else out + h
                    if l + 1 < len(self.layers):
                        inputs[l + 1][:, :, j + pad[l + 1]] = out
                logit = self.head(out).squeeze(-1)
                pixel = (uniforms[:, i * width + j] < torch.sigmoid(logit)).to(self.dtype)
                log_prob -= F.binary_cross_entropy_with_logits(logit, pixel, reduction="none")
                images[:, i + 1, j] = 2 * pixel - 1
                inputs[0][:, 0, j + pad[0]] = 2 * pixel - 1
            above, current = current, above
        return ((images[:, 1:] + 1) / 2).reshape(count, *self.image_shape), log_prob

    def generate(self, noise: SampleNoise, **conditioning: Any) -> torch.Tensor:
        return self.draw(noise)[0]
