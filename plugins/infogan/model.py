"""InfoGAN generator: DCGAN fed with noise plus interpretable codes."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from zoo.gan import one_hot
from zoo.models import check_indices
from zoo_plugins.dcgan.model import DCGANGenerator

CODE_KEYS = ("categorical", "continuous")


class InfoGANGenerator(DCGANGenerator):
    """Noise ``z`` plus a categorical code (``categories`` values, uniform prior) and
    ``continuous`` codes (uniform prior on [-1, 1]), whose meaning training discovers.

    ``sample(n, codes=...)`` fixes codes to sweep them and see their effect:
    ``codes`` is a dict with the optional keys ``"categorical"`` (``n`` ints in
    ``[0, categories)``) and ``"continuous"`` (``n`` rows of ``continuous``
    floats; values outside [-1, 1] extrapolate). A code left out, or
    ``codes=None``, is drawn from its prior with the seed.

        >>> codes = {"categorical": [3] * 8, "continuous": [[t, 0.0] for t in torch.linspace(-1, 1, 8)]}
        >>> images = model.sample(8, seed=0, codes=codes)  # one category, first continuous code swept
    """

    def __init__(
        self, latent_dim: int = 62, categories: int = 10, continuous: int = 2, width: int = 64, channels: int = 1
    ) -> None:
        super().__init__(latent_dim + categories + continuous, width, channels)
        self.latent_dim = latent_dim
        self.categories = categories
        self.continuous = continuous

    def forward(self, z: torch.Tensor, categorical: torch.Tensor, continuous: torch.Tensor) -> torch.Tensor:
        codes = [z, one_hot(categorical, self.categories, z), continuous.to(z.device, z.dtype)]
        return self.net(torch.cat(codes, 1))

    def split_conditioning(self, n: int, rng: torch.Generator, codes: Any = None, **rest: Any) -> dict[str, Any]:
        super().split_conditioning(n, rng, **rest)
        return self.check_codes(n, codes, rng)

    def check_codes(self, n: int, codes: Any, rng: torch.Generator) -> dict[str, torch.Tensor]:
        """Validate ``codes`` for ``n`` images and draw the missing ones from their priors."""
        codes = {} if codes is None else codes
        if not isinstance(codes, Mapping):
            raise TypeError(f"codes must be a dict with keys {CODE_KEYS} or None, got {type(codes).__name__}")
        unknown = set(codes) - set(CODE_KEYS)
        if unknown:
            raise ValueError(f"codes has unknown keys {sorted(map(str, unknown))}; known: {', '.join(CODE_KEYS)}")
        categorical = codes.get("categorical")
        if categorical is None:
            categorical = torch.randint(0, self.categories, (n,), generator=rng)
        else:
            categorical = check_indices(categorical, n, self.categories, "codes['categorical']")
        continuous = codes.get("continuous")
        if continuous is None:
            continuous = torch.rand(n, self.continuous, generator=rng) * 2 - 1
        else:
            continuous = self.check_continuous(n, continuous)
        return {"categorical": categorical, "continuous": continuous}

    def check_continuous(self, n: int, values: Any) -> torch.Tensor:
        what = f"codes['continuous'] must be {n} rows of {self.continuous} floats"
        try:
            values = torch.as_tensor(values)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{what}, got {type(values).__name__}") from None
        if values.dtype == torch.bool or values.dtype.is_complex:
            raise TypeError(f"{what}, got dtype {values.dtype}")
        if tuple(values.shape) != (n, self.continuous):
            raise ValueError(f"{what}, got shape {tuple(values.shape)}")
        values = values.float().cpu()
        if not torch.isfinite(values).all():
            raise ValueError(f"{what}, got NaN or Inf")
        return values

    def generate(
        self, count: int, rng: torch.Generator, categorical: torch.Tensor, continuous: torch.Tensor
    ) -> torch.Tensor:
        return self(self.noise(count, rng, self.latent_dim), categorical, continuous).add_(1).mul_(0.5)
