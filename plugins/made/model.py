"""MADE: an MLP made autoregressive by masking its weights (Germain et al. 2015)."""
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
    QuotedNLL("MADE, 1 mask", 88.4, "Germain et al. 2015", "mnist"),
    QuotedNLL("MADE, 32 masks", 86.6, "Germain et al. 2015", "mnist"),
)


class MaskedLinear(nn.Linear):
    """A linear layer whose weight is multiplied by a fixed 0/1 connectivity mask."""

    def __init__(self, mask: torch.Tensor) -> None:
        super().__init__(mask.shape[1], mask.shape[0])
        self.register_buffer("mask", mask, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.mask, self.bias)


def hidden_degrees(units: int, inputs: int) -> torch.Tensor:
    """Degrees from 1 to ``inputs - 1`` spread evenly, in order, over ``units`` hidden units (deterministic)."""
    return 1 + torch.arange(units) * (inputs - 1) // units


class MADE(AutoregressiveModel):
    """p(x) = prod_d Bernoulli(x_d; sigmoid(logit_d(x_<d))) over the pixels in raster order.

    Input ``d`` (1-based) has degree ``d``; a hidden unit of degree ``m`` sees
    inputs of degree at most ``m``; output ``d`` sees hidden units of degree
    below ``d``. With ``direct``, a strictly lower-triangular masked linear map
    from the inputs adds to the output logits. The whole likelihood is one
    pass; sampling is one pass per pixel.
    """

    image_shape = (1, 28, 28)
    quoted_nll = QUOTED_NLL

    def __init__(self, hidden: list[int] = (1500,), direct: bool = True) -> None:
        super().__init__()
        if not hidden or any(units < 1 for units in hidden):
            raise ValueError(f"hidden must list at least one positive layer size, got {list(hidden)}")
        self.num_pixels = inputs = self.image_shape[1] * self.image_shape[2]
        degrees = [torch.arange(1, inputs + 1)] + [hidden_degrees(units, inputs) for units in hidden]
        layers: list[nn.Module] = []
        for before, after in zip(degrees[:-1], degrees[1:]):
            layers += [MaskedLinear((after[:, None] >= before[None, :]).float()), nn.ReLU()]
        layers.append(MaskedLinear((degrees[0][:, None] > degrees[-1][None, :]).float()))
        self.net = nn.Sequential(*layers)
        self.direct = MaskedLinear(torch.ones(inputs, inputs).tril(-1)) if direct else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, 784)``: pixel ``d`` given the pixels before it of binary ``x``."""
        x = x.reshape(-1, self.num_pixels)
        logits = self.net(2 * x - 1)
        return logits if self.direct is None else logits + self.direct(x)

    @torch.inference_mode()
    def draw(self, noise: SampleNoise) -> tuple[torch.Tensor, torch.Tensor]:
        """One image per generator of ``noise`` drawn pixel by pixel, and the log-probability in nats the model
        gave it: ``(count, 1, 28, 28)`` in {0, 1} and ``(count,)``.

        Pixel ``d`` is 1 when the image's ``d``-th uniform number (drawn on the CPU from its own
        generator) falls below its probability, so a seed gives the same images on any device. The
        first layer's pre-activations are updated one column per pixel and only logit ``d`` is
        computed, so a step costs the deeper layers' products, not a whole pass.
        """
        uniforms = noise.uniform(self.num_pixels).to(self.device, self.dtype)
        linears = [module for module in self.net if isinstance(module, MaskedLinear)]
        first, deeper, out = linears[0], linears[1:-1], linears[-1]
        w_first, w_out = first.weight * first.mask, out.weight * out.mask
        w_direct = None if self.direct is None else self.direct.weight * self.direct.mask
        x = torch.zeros_like(uniforms)
        pre = (first.bias - w_first.sum(1)).expand(len(x), -1).clone()  # every input still -1 (= 2 * 0 - 1)
        log_prob = uniforms.new_zeros(len(x))
        for d in range(self.num_pixels):
            h = torch.relu(pre)
            for layer in deeper:
                h = torch.relu(layer(h))
            logit = h @ w_out[d] + out.bias[d]
            if w_direct is not None:
                logit = logit + x @ w_direct[d] + self.direct.bias[d]
            x[:, d] = (uniforms[:, d] < torch.sigmoid(logit)).to(self.dtype)
            log_prob -= F.binary_cross_entropy_with_logits(logit, x[:, d], reduction="none")
            pre += 2 * x[:, d, None] * w_first[:, d]
        return x.reshape(-1, *self.image_shape), log_prob

    def generate(self, noise: SampleNoise, **conditioning: Any) -> torch.Tensor:
        return self.draw(noise)[0]
