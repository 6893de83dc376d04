"""Normalising flows on 8-bit images: invertible layers, multi-scale flows and their exact likelihood.

The layers of RealNVP (Dinh et al. 2017: affine couplings with checkerboard
and channel masks, squeezing, factoring out half the channels at each scale)
and of Glow (Kingma and Dhariwal 2018: actnorm, invertible 1x1 convolutions).
Every layer maps ``x -> (y, log|det dy/dx|)`` and back with ``inverse``.

:class:`NormalizingFlow` gives the likelihood interface of flows: 8-bit images
``k / 255`` are dequantised to ``y = (k + u) / 256`` with ``u`` uniform, drawn
per image from ``seed``; ``log_likelihood(images, seed=)`` is
``log p(y) - D log 256`` in nats per image (a stochastic lower bound of the
8-bit image's log-probability), and ``bits_per_dim`` is ``-log_likelihood /
(D ln 2)``. Sampling draws ``z ~ N(0, temperature^2 I)`` per image.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from zoo.models.base import GenerativeModel, check_count, check_images
from zoo.models.capabilities import Capability
from zoo.models.likelihood import EVAL_BATCH, EVAL_SEED
from zoo.models.noise import SampleNoise, SeedStreams

LEVELS = 256  # grey levels of an 8-bit image


class Squeeze(nn.Module):
    """``(C, H, W) -> (4C, H/2, W/2)``: each 2x2 patch becomes four channels (volume preserving)."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        n, c, h, w = x.shape
        y = x.view(n, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(n, 4 * c, h // 2, w // 2)
        return y, x.new_zeros(n)

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        n, c, h, w = y.shape
        return y.view(n, c // 4, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3).reshape(n, c // 4, 2 * h, 2 * w)


class ActNorm(nn.Module):
    """Per-channel affine ``y = (x + bias) * exp(log_scale)``, initialised from the first batch to zero
    mean and unit variance (Kingma and Dhariwal 2018)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.log_scale = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.register_buffer("initialised", torch.tensor(False))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.training and not self.initialised:
            with torch.no_grad():
                mean, std = x.mean((0, 2, 3), keepdim=True), x.std((0, 2, 3), keepdim=True)
                self.bias.copy_(-mean)
                self.log_scale.copy_(-torch.log(std + 1e-6))
                self.initialised.fill_(True)
        y = (x + self.bias) * self.log_scale.exp()
        return y, self.log_scale.sum().expand(len(x)) * x.shape[2] * x.shape[3]

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        return y * (-self.log_scale).exp() - self.bias


class InvertibleConv(nn.Module):
    """An invertible 1x1 convolution mixing the channels, started at a random rotation."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        rotation = torch.linalg.qr(torch.randn(channels, channels))[0]
        self.weight = nn.Parameter(rotation)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logdet = torch.linalg.slogdet(self.weight.double())[1].to(x.dtype)
        return F.conv2d(x, self.weight[:, :, None, None]), logdet.expand(len(x)) * x.shape[2] * x.shape[3]

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        return F.conv2d(y, torch.linalg.inv(self.weight.double()).to(y.dtype)[:, :, None, None])


def checkerboard(channels: int, height: int, width: int, flip: bool) -> torch.Tensor:
    """``(1, C, H, W)`` mask of ones on the squares where ``(i + j)`` is even (odd with ``flip``)."""
    parity = (torch.arange(height)[:, None] + torch.arange(width)[None, :]) % 2
    return (parity == int(flip)).float().expand(1, channels, height, width).clone()


def channel_mask(channels: int, height: int, width: int, flip: bool) -> torch.Tensor:
    """``(1, C, H, W)`` mask of ones on the first half of the channels (the second with ``flip``)."""
    mask = torch.zeros(1, channels, height, width)
    half = channels // 2
    mask[:, half:] = 1.0 if flip else 0.0
    mask[:, :half] = 0.0 if flip else 1.0
    return mask


class CouplingNet(nn.Module):
    """The coupling's conditioner: 3x3 conv, ``blocks`` residual 3x3 blocks, 3x3 conv to (scale, shift);
    the last layer starts at zero so that a new coupling is the identity."""

    def __init__(self, channels: int, hidden: int, blocks: int) -> None:
        super().__init__()
        self.stem = nn.Conv2d(channels + 1, hidden, 3, padding=1)  # + a channel of ones marks the image border
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.ReLU(), nn.Conv2d(hidden, hidden, 3, padding=1), nn.ReLU(), nn.Conv2d(hidden, hidden, 1))
            for _ in range(blocks)
        )
        self.out = nn.Sequential(nn.ReLU(), nn.Conv2d(hidden, 2 * channels, 3, padding=1))
        nn.init.zeros_(self.out[1].weight)
        nn.init.zeros_(self.out[1].bias)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.stem(torch.cat([x, torch.ones_like(x[:, :1])], 1))
        for block in self.blocks:
            h = h + block(h)
        raw_scale, shift = self.out(h).chunk(2, dim=1)
        return raw_scale, shift


class AffineCoupling(nn.Module):
    """``y = mask * x + (1 - mask) * (x * exp(s) + t)`` with ``(s, t)`` computed from ``mask * x``;
    ``s = scale * tanh(raw)`` keeps the scales bounded (a learned ``scale`` per channel)."""

    def __init__(self, mask: torch.Tensor, hidden: int, blocks: int) -> None:
        super().__init__()
        self.register_buffer("mask", mask, persistent=False)
        self.net = CouplingNet(mask.shape[1], hidden, blocks)
        self.scale = nn.Parameter(torch.ones(1, mask.shape[1], 1, 1))

    def _scale_shift(self, kept: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raw, shift = self.net(kept)
        changed = 1 - self.mask
        return self.scale * torch.tanh(raw) * changed, shift * changed

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        s, t = self._scale_shift(x * self.mask)
        return x * s.exp() + t, s.flatten(1).sum(1)

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        s, t = self._scale_shift(y * self.mask)
        return (y - t) * (-s).exp()


class Split(nn.Module):
    """Factors out the second half of the channels as latents of this scale (RealNVP's multi-scale design)."""


class NormalizingFlow(GenerativeModel):
    """A flow ``layers`` from the logit of dequantised images ``(C, H, W)`` to standard normal latents.

    ``layers`` holds flow layers and :class:`Split` markers; what is left at the
    end joins the factored-out latents. ``alpha`` bounds the logit transform
    ``logit(alpha + (1 - 2 alpha) y)`` away from 0 and 1. ``sample(n,
    temperature=)`` scales the latents' standard deviation (1 by default).
    """

    provides = (Capability.BITS_PER_DIM,)
    options = ("temperature",)
    alpha = 1e-6
    metric_notes = {
        "bits_per_dim": "test negative log-likelihood of the 8-bit test images with uniform dequantisation "
        "(u drawn with seed 0), in bits per pixel: -(log p((k + u) / 256) - 784 ln 256) / (784 ln 2); lower is better",
    }

    def __init__(self, layers: list[nn.Module]) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def check_options(self, temperature: Any = 1.0) -> dict[str, Any]:
        if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not 0 <= temperature < math.inf:
            raise ValueError(f"temperature must be a finite number >= 0 (1: the model's own density), got {temperature!r}")
        return {"temperature": float(temperature)}

    def preprocess(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``logit(alpha + (1 - 2 alpha) y)`` of images in (0, 1) and its log-determinant."""
        p = self.alpha + (1 - 2 * self.alpha) * y
        x = torch.log(p) - torch.log1p(-p)
        logdet = (math.log(1 - 2 * self.alpha) - torch.log(p) - torch.log1p(-p)).flatten(1).sum(1)
        return x, logdet

    def to_latents(self, y: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        """Latents of every scale and the total log-determinant of images ``y`` in (0, 1)."""
        x, logdet = self.preprocess(y)
        latents = []
        for layer in self.layers:
            if isinstance(layer, Split):
                x, out = x.chunk(2, dim=1)
                latents.append(out)
            else:
                x, change = layer(x)
                logdet = logdet + change
        return latents + [x], logdet

    def log_density(self, y: torch.Tensor) -> torch.Tensor:
        """``log p(y)`` in nats per image of continuous images ``y`` in (0, 1), ``(N,)``."""
        latents, logdet = self.to_latents(y)
        prior = sum(-0.5 * (z**2 + math.log(2 * math.pi)).flatten(1).sum(1) for z in latents)
        return prior + logdet

    def loss(self, images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Mean bits per dimension of a batch of 8-bit images in [0, 1], dequantised with fresh uniforms."""
        u = torch.rand(images.shape, generator=generator).to(images)
        dims = math.prod(images.shape[1:])
        log_prob = self.log_density(dequantise(images, u)) - dims * math.log(LEVELS)
        return -log_prob.mean() / (dims * math.log(2))

    @torch.inference_mode()
    def log_likelihood(self, images: torch.Tensor, seed: int = EVAL_SEED, batch_size: int = EVAL_BATCH) -> torch.Tensor:
        """``log p(y) - D log 256`` in nats per image, ``(N,)``, of 8-bit images ``(N, C, H, W)`` in [0, 1]
        dequantised with uniforms drawn for image ``i`` from its own generator of ``seed``."""
        images = check_images(images, self.image_shape, "images")
        batch_size = check_count(batch_size, "batch_size")
        streams, dims, totals, start = SeedStreams(seed), math.prod(self.image_shape), [], 0
        for chunk in images.split(batch_size):
            u = streams.images(start, start + len(chunk)).uniform(*self.image_shape)
            y = dequantise(chunk.cpu(), u).to(self.device, self.dtype)
            totals.append(self.log_density(y) - dims * math.log(LEVELS))
            start += len(chunk)
        return torch.cat(totals)

    def bits_per_dim(self, images: torch.Tensor, seed: int = EVAL_SEED, batch_size: int = EVAL_BATCH) -> torch.Tensor:
        """``-log_likelihood(images, seed=) / (D ln 2)``: bits per pixel of each 8-bit image, ``(N,)``."""
        return -self.log_likelihood(images, seed, batch_size) / (math.prod(self.image_shape) * math.log(2))

    @torch.inference_mode()
    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """Mean bits per dimension of the 8-bit test images, dequantised with seed 0."""
        return {"bits_per_dim": round(self.bits_per_dim(images).double().mean().item(), 4)}

    def latent_shapes(self) -> list[tuple[int, int, int]]:
        """The shapes ``(C, H, W)`` of the latents of every scale, in the order of :meth:`to_latents`."""
        (c, h, w), shapes = self.image_shape, []
        for layer in self.layers:
            if isinstance(layer, Squeeze):
                c, h, w = 4 * c, h // 2, w // 2
            elif isinstance(layer, Split):
                shapes.append((c // 2, h, w))
                c -= c // 2
        return shapes + [(c, h, w)]

    def generate(self, noise: SampleNoise, temperature: float = 1.0) -> torch.Tensor:
        temperature = self.check_options(temperature)["temperature"]
        shapes = self.latent_shapes()
        flat = temperature * self.latent_noise(noise, sum(math.prod(shape) for shape in shapes))
        latents = [part.reshape(-1, *shape) for part, shape in zip(flat.split([math.prod(s) for s in shapes], 1), shapes)]
        x = latents.pop()
        for layer in reversed(self.layers):
            x = torch.cat([x, latents.pop()], 1) if isinstance(layer, Split) else layer.inverse(x)
        return ((torch.sigmoid(x) - self.alpha) / (1 - 2 * self.alpha)).clamp(0, 1)


def dequantise(images: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """``(k + u) / 256`` for 8-bit images ``k / 255`` in [0, 1] and uniforms ``u`` in [0, 1)."""
    return (torch.round(images * (LEVELS - 1)) + u) / LEVELS
