"""InfoGAN networks (Chen et al. 2016, appendix C.1): a generator fed with noise plus
interpretable codes, and a discriminator whose head Q recovers them. The paper's MNIST
networks at 28x28; other sizes add DCGAN stages (:mod:`zoo.models.dcgan`)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch import nn

from zoo.models.base import GenerativeModel, check_indices
from zoo.models.latent import GaussianLatents, check_latents
from zoo.models.noise import CONDITIONING, SampleNoise
from zoo.models.dcgan import dcgan_init, dcgan_layout, downsampler, upsampler
from zoo.models.layers import one_hot
from zoo.models.shapes import DEFAULT_IMAGE_SIZE, positive_setting

CODE_KEYS = ("categorical", "continuous")


class InfoGANGenerator(GaussianLatents, GenerativeModel):
    """Noise ``z`` plus a categorical code (``categories`` values, uniform prior) and
    ``continuous`` codes (uniform prior on [-1, 1]), whose meaning training discovers.

    The paper's MNIST generator: two fully connected layers (``hidden`` units,
    then a 7x7 map of ``2 * width`` channels) and two transposed convolutions;
    other image sizes start from a smaller map and add transposed convolutions.

    ``sample(n, codes=...)`` fixes codes to sweep them and see their effect:
    ``codes`` is a dict with the optional keys ``"categorical"`` (``n`` ints in
    ``[0, categories)``) and ``"continuous"`` (``n`` rows of ``continuous``
    floats; values outside [-1, 1] extrapolate). A code left out, or
    ``codes=None``, is drawn from its prior with the seed.

        >>> codes = {"categorical": [3] * 8, "continuous": [[t, 0.0] for t in torch.linspace(-1, 1, 8)]}
        >>> images = model.sample(8, seed=0, codes=codes)  # one category, first continuous code swept
    """

    def __init__(
        self,
        latent_dim: int = 62,
        categories: int = 10,
        continuous: int = 2,
        width: int = 64,
        hidden: int = 1024,
        channels: int = 1,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__()
        base, stages = dcgan_layout(image_size, "InfoGAN generator")
        channels = positive_setting(channels, "channels", "InfoGAN generator")
        self.latent_dim = latent_dim
        self.categories = categories
        self.continuous = continuous
        self.image_shape = (channels, image_size, image_size)
        top = width * 2 ** (stages - 1)
        self.net = nn.Sequential(
            nn.Linear(latent_dim + categories + continuous, hidden, bias=False),
            nn.BatchNorm1d(hidden),
            nn.ReLU(inplace=True),
            nn.Linear(hidden, top * base * base, bias=False),
            nn.BatchNorm1d(top * base * base),
            nn.ReLU(inplace=True),
            nn.Unflatten(1, (top, base, base)),
            *upsampler(width, channels, stages),
        )
        self.apply(dcgan_init)

    def forward(self, z: torch.Tensor, categorical: torch.Tensor, continuous: torch.Tensor) -> torch.Tensor:
        """Noise and codes -> images in [-1, 1] (the training range)."""
        codes = [z, one_hot(categorical, self.categories, z), continuous.to(z.device, z.dtype)]
        return self.net(torch.cat(codes, 1))

    def split_conditioning(self, n: int, noise: SampleNoise, codes: Any = None, **rest: Any) -> dict[str, Any]:
        super().split_conditioning(n, noise, **rest)
        return self.check_codes(n, codes, noise)

    def check_codes(self, n: int, codes: Any, noise: SampleNoise) -> dict[str, torch.Tensor]:
        """Validate ``codes`` for ``n`` images and draw the missing ones from their priors."""
        codes = {} if codes is None else codes
        if not isinstance(codes, Mapping):
            raise TypeError(f"codes must be a dict with keys {CODE_KEYS} or None, got {type(codes).__name__}")
        unknown = set(codes) - set(CODE_KEYS)
        if unknown:
            raise ValueError(f"codes has unknown keys {sorted(map(str, unknown))}; known: {', '.join(CODE_KEYS)}")
        categorical = codes.get("categorical")
        if categorical is None:
            categorical = noise.integers(self.categories)
        else:
            categorical = check_indices(categorical, n, self.categories, "codes['categorical']")
        continuous = codes.get("continuous")
        if continuous is None:
            continuous = noise.uniform(self.continuous) * 2 - 1
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

    def generate(self, noise: SampleNoise, categorical: torch.Tensor, continuous: torch.Tensor) -> torch.Tensor:
        return self(self.latent_noise(noise, self.latent_dim), categorical, continuous).add_(1).mul_(0.5)

    def latent_conditioning(self, n: int, *, seed: int | None = None) -> dict[str, Any]:
        """The codes ``sample(n, seed=seed)`` draws beside its noise, as ``codes=`` of ``from_latent_codes``."""
        return {"codes": super().latent_conditioning(n, seed=seed)}

    @torch.inference_mode()
    def from_latent_codes(self, z: torch.Tensor, codes: Any = None) -> torch.Tensor:
        """Images of noise ``z`` ``(N, latent_dim)`` with ``codes`` as ``sample`` takes them (a code left
        out is drawn at random), in ``[0, 1]``."""
        z = check_latents(z, self.latent_dim).to(self.device, self.dtype)
        drawn = self.check_codes(len(z), codes, SampleNoise.seeded(None, len(z), CONDITIONING))
        return self(z, drawn["categorical"], drawn["continuous"]).add_(1).mul_(0.5).float().clamp_(0.0, 1.0)


class InfoGANDiscriminator(nn.Module):
    """image in [-1, 1] -> (real/fake logit, estimates of the codes from the head Q).

    The paper's MNIST discriminator: two strided convolutions and a fully connected
    layer of ``hidden`` units shared by the real/fake output and by Q (a layer of
    128 units, then ``codes`` outputs).
    """

    def __init__(
        self, codes: int, width: int = 64, hidden: int = 1024, channels: int = 1, image_size: int = DEFAULT_IMAGE_SIZE
    ) -> None:
        super().__init__()
        base, stages = dcgan_layout(image_size, "InfoGAN discriminator")
        channels = positive_setting(channels, "channels", "InfoGAN discriminator")
        self.net = nn.Sequential(
            *downsampler(channels, width, 0.1, stages),
            nn.Flatten(),
            nn.Linear(width * 2 ** (stages - 1) * base * base, hidden, bias=False),
            nn.BatchNorm1d(hidden),
            nn.LeakyReLU(0.1, inplace=True),
        )
        self.adversarial = nn.Linear(hidden, 1)
        self.q = nn.Sequential(
            nn.Linear(hidden, 128, bias=False), nn.BatchNorm1d(128), nn.LeakyReLU(0.1, inplace=True), nn.Linear(128, codes)
        )
        self.apply(dcgan_init)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.net(x)
        return self.adversarial(h).squeeze(1), self.q(h)
