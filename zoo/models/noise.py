"""Per-image random streams: a seed fixes each image, whatever the count or the batching.

Image ``i`` of a seeded call draws all of its randomness (its latent noise,
its label when none is given, its pixels' uniforms, ...) from a CPU generator
of its own, seeded from ``(seed, i)``. So ``sample(n, seed=s)[:k]`` equals
``sample(k, seed=s)``, and ``batch_size`` bounds memory and changes nothing
else. Draws happen on the CPU, so a seed gives the same images on any device.
"""
from __future__ import annotations

import numbers
from typing import Any

import torch

MASK64 = (1 << 64) - 1
GENERATION = 0  # the stream ``generate`` draws from
CONDITIONING = 1  # the stream that draws labels or codes the caller left out


def _mix(value: int) -> int:
    """SplitMix64's finaliser: spreads nearby integers over all 64 bits."""
    value = (value + 0x9E3779B97F4A7C15) & MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & MASK64
    return value ^ (value >> 31)


def check_seed(seed: Any) -> int | None:
    """``seed`` as an int (or None), else a ``TypeError`` naming what was given."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"seed must be an int or None, got {type(seed).__name__} {seed!r}")
    return None if seed is None else int(seed)


class SeedStreams:
    """The streams of one seeded call; ``seed=None`` draws a base seed from torch's global generator."""

    def __init__(self, seed: int | None) -> None:
        seed = check_seed(seed)
        self.seed = int(torch.randint(0, 2**62, (1,)).item()) if seed is None else seed

    def images(self, start: int, stop: int, stream: int = GENERATION) -> SampleNoise:
        """The generators of images ``start`` to ``stop - 1`` in one stream."""
        return SampleNoise(_mix(_mix(self.seed & MASK64) ^ stream), range(start, stop))


class SampleNoise:
    """One CPU generator per image of a batch; every draw returns one row per image.

    The generators are made at the first draw, so images nobody draws for (the
    conditioning stream of an unconditional model, a batch not yet reached) cost nothing.
    """

    def __init__(self, base: int, indices: range) -> None:
        self.base, self.indices = base, indices
        self._generators: list[torch.Generator] | None = None

    @property
    def generators(self) -> list[torch.Generator]:
        if self._generators is None:
            self._generators = [torch.Generator().manual_seed(_mix(self.base ^ i) >> 1) for i in self.indices]
        return self._generators

    @classmethod
    def seeded(cls, seed: int | None, count: int, stream: int = GENERATION) -> SampleNoise:
        """The generators of images ``0`` to ``count - 1`` of a call with ``seed``."""
        return SeedStreams(seed).images(0, count, stream)

    def __len__(self) -> int:
        return len(self.indices)

    def normal(self, *shape: int) -> torch.Tensor:
        """Standard normal draws ``(count, *shape)``."""
        return self._stack([torch.randn(shape, generator=g) for g in self.generators], shape)

    def uniform(self, *shape: int) -> torch.Tensor:
        """Uniform draws in ``[0, 1)``, ``(count, *shape)``."""
        return self._stack([torch.rand(shape, generator=g) for g in self.generators], shape)

    def integers(self, high: int, *shape: int) -> torch.Tensor:
        """Integers uniform in ``[0, high)``, ``(count, *shape)``."""
        rows = [torch.randint(0, high, shape, generator=g) for g in self.generators]
        return self._stack(rows, shape, torch.long)

    def choice(self, weights: torch.Tensor) -> torch.Tensor:
        """One index per image, drawn in proportion to ``weights`` (a 1-d tensor), ``(count,)``."""
        weights = weights.detach().double().cpu()
        rows = [torch.multinomial(weights, 1, generator=g) for g in self.generators]
        return self._stack(rows, (1,), torch.long).reshape(-1)

    def _stack(self, rows: list[torch.Tensor], shape: tuple[int, ...], dtype: torch.dtype = torch.float32) -> torch.Tensor:
        return torch.stack(rows) if rows else torch.empty((0, *shape), dtype=dtype)
