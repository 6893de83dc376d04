"""A small U-Net for 28x28 images conditioned on a time in [0, 1] (Ho et al. 2020, Ronneberger et al. 2015).

The shared denoiser of the diffusion and flow-matching flavours: residual
blocks with group norm and SiLU, the time's sinusoidal embedding added inside
every block, average-pool downsampling and nearest upsampling with skip
connections, and optional self-attention at the lowest resolution.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def time_embedding(t: torch.Tensor, dim: int, scale: float = 1000.0) -> torch.Tensor:
    """Sinusoidal features ``(N, dim)`` of times ``t`` ``(N,)`` in [0, 1] (scaled by ``scale``)."""
    half = dim // 2
    frequencies = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=t.dtype) / half)
    angles = scale * t[:, None] * frequencies[None]
    return torch.cat([angles.sin(), angles.cos()], 1)


def norm(channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(min(8, channels), channels)


class ResBlock(nn.Module):
    """Two 3x3 convolutions with the time embedding added between them, and a residual path."""

    def __init__(self, channels_in: int, channels_out: int, time_dim: int) -> None:
        super().__init__()
        self.norm1, self.conv1 = norm(channels_in), nn.Conv2d(channels_in, channels_out, 3, padding=1)
        self.time = nn.Linear(time_dim, channels_out)
        self.norm2, self.conv2 = norm(channels_out), nn.Conv2d(channels_out, channels_out, 3, padding=1)
        self.skip = nn.Conv2d(channels_in, channels_out, 1) if channels_in != channels_out else nn.Identity()

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x))) + self.time(emb)[:, :, None, None]
        return self.skip(x) + self.conv2(F.silu(self.norm2(h)))


class Attention(nn.Module):
    """Single-head self-attention over the pixels of a feature map, with a residual path."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.norm, self.qkv, self.out = norm(channels), nn.Conv2d(channels, 3 * channels, 1), nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).flatten(2).transpose(1, 2).chunk(3, dim=2)
        attended = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(n, c, h, w)
        return x + self.out(attended)


class UNet(nn.Module):
    """``net(x, t)``: a map of ``x``'s shape from images ``(N, C, 28, 28)`` and times ``(N,)`` in [0, 1].

    ``widths`` gives the channels of each resolution (28, 14, 7 for three), with
    ``blocks`` residual blocks per resolution on the way down and ``blocks + 1``
    on the way up; ``attention`` adds self-attention at the lowest resolution.
    The last convolution starts at zero, so an untrained net outputs zeros.
    """

    def __init__(self, channels: int = 1, widths: tuple[int, ...] = (16, 32, 64), blocks: int = 1, attention: bool = False) -> None:
        super().__init__()
        if not widths or blocks < 1:
            raise ValueError(f"widths must list at least one width and blocks be positive, got {widths}, {blocks}")
        time_dim = 4 * widths[0]
        self.embed_dim = widths[0]
        self.time = nn.Sequential(nn.Linear(widths[0], time_dim), nn.SiLU(), nn.Linear(time_dim, time_dim))
        self.stem = nn.Conv2d(channels, widths[0], 3, padding=1)
        self.down = nn.ModuleList()
        skips, current = [widths[0]], widths[0]
        for level, width in enumerate(widths):
            for _ in range(blocks):
                self.down.append(ResBlock(current, width, time_dim))
                current = width
                skips.append(current)
            if level + 1 < len(widths):
                self.down.append(nn.AvgPool2d(2, ceil_mode=True))
                skips.append(current)
        self.middle = nn.ModuleList([ResBlock(current, current, time_dim), ResBlock(current, current, time_dim)])
        self.attention = Attention(current) if attention else nn.Identity()
        self.up = nn.ModuleList()
        for level, width in reversed(list(enumerate(widths))):
            for _ in range(blocks + 1):
                self.up.append(ResBlock(current + skips.pop(), width, time_dim))
                current = width
            if level > 0:
                self.up.append(nn.Upsample(scale_factor=2, mode="nearest"))
        self.head = nn.Sequential(norm(current), nn.SiLU(), nn.Conv2d(current, channels, 3, padding=1))
        nn.init.zeros_(self.head[-1].weight)
        nn.init.zeros_(self.head[-1].bias)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        emb = self.time(time_embedding(t.to(x.dtype), self.embed_dim))
        h = self.stem(x)
        saved = [h]
        for layer in self.down:
            h = layer(h, emb) if isinstance(layer, ResBlock) else layer(h)
            saved.append(h)
        h = self.middle[0](h, emb)
        h = self.middle[1](self.attention(h), emb)
        for layer in self.up:
            if isinstance(layer, ResBlock):
                skip = saved.pop()
                h = layer(torch.cat([h[..., : skip.shape[-2], : skip.shape[-1]], skip], 1), emb)
            else:
                h = layer(h)
        return self.head(h)
