"""The autoencoder family: encode, decode, reconstruct, interpolate and sample.

A flavour subclasses :class:`Autoencoder` and implements ``encode_batch`` and
``decode_batch`` on validated tensors; the public methods check their inputs.
Plain autoencoders have no prior over their codes, so ``sample`` draws codes
from a :class:`GaussianCodePrior` fitted to the training codes. That Gaussian
is only a guess at where the decoder makes digits -- the code space of a plain
autoencoder is not regularised -- which is the problem VAEs solve by training
the encoder towards a known prior.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from zoo.models.base import ConditionalModel, GenerativeModel, check_count, check_images
from zoo.models.noise import CONDITIONING, SampleNoise
from zoo.models.capabilities import Capability

EVAL_BATCH = 1000
TRAVERSAL_DRAWS = 2000  # codes drawn (seed 0) to measure each dimension's centre and spread for traversals


def mlp(sizes: Sequence[int], final_activation: bool = False) -> nn.Sequential:
    """Linear layers of the given widths with ReLU between them."""
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if final_activation or i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def gaussian_noise(x: torch.Tensor, std: float, rng: torch.Generator | None = None) -> torch.Tensor:
    """Add N(0, std^2) noise to each pixel, clipped back to [0, 1]."""
    noise = torch.randn(x.shape, generator=rng).to(x.device, x.dtype)
    return (x + std * noise).clamp(0.0, 1.0)


def masking_noise(x: torch.Tensor, fraction: float, rng: torch.Generator | None = None) -> torch.Tensor:
    """Set a random ``fraction`` of the pixels to zero."""
    keep = torch.rand(x.shape, generator=rng).to(x.device) >= fraction
    return x * keep.to(x.dtype)


class GaussianCodePrior(nn.Module):
    """A full-covariance Gaussian over codes, stored as buffers with the weights."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("scale_tril", torch.eye(dim))

    @torch.no_grad()
    def fit(self, codes: torch.Tensor) -> None:
        """Set mean and covariance to those of ``codes`` ``(n, dim)``."""
        codes = codes.double()
        cov = torch.cov(codes.T).reshape(codes.shape[1], codes.shape[1])
        cov += 1e-6 * cov.diagonal().mean().clamp(min=1e-6) * torch.eye(codes.shape[1], dtype=cov.dtype)
        self.mean.copy_(codes.mean(0))
        self.scale_tril.copy_(torch.linalg.cholesky(cov))

    def sample(self, noise: SampleNoise) -> torch.Tensor:
        """One code per generator of ``noise``, on the buffers' device."""
        eps = noise.normal(self.mean.shape[0]).to(self.mean.device, self.mean.dtype)
        return self.mean + eps @ self.scale_tril.T


class Autoencoder(GenerativeModel):
    """Base class of the family.

    Subclasses implement ``encode_batch(x, **inputs)`` (images in [0, 1] ->
    codes; the posterior mean for VAEs) and ``decode_batch(z, **inputs)``
    (codes -> images in [0, 1]). With ``fitted_prior`` the codes for sampling
    come from a :class:`GaussianCodePrior` (``code_prior``), else from N(0, I).
    """

    provides = (Capability.CODES, Capability.LATENT_WALK,)

    gaussian_latents = False  # codes of a fitted or learned prior: straight lines between them
    continuous_codes = True  # codes are real vectors, so a traversal can vary one dimension at a time
    metric_notes: dict[str, str] = {
        "recon_mse": "mean squared error per pixel (pixels in [0, 1]) between test images and their reconstructions",
    }

    def __init__(self, latent_dim: int, image_shape: Sequence[int] = (1, 28, 28), fitted_prior: bool = False) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.image_shape = tuple(image_shape)
        self.code_prior = GaussianCodePrior(latent_dim) if fitted_prior else None

    @property
    def image_size(self) -> int:
        return math.prod(self.image_shape)

    def encode_batch(self, x: torch.Tensor, **inputs: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def decode_batch(self, z: torch.Tensor, **inputs: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def condition_inputs(self, n: int, **conditioning: Any) -> dict[str, torch.Tensor]:
        """Validate conditioning for ``n`` images and turn it into float network inputs."""
        if conditioning:
            raise TypeError(f"{type(self).__name__} is not conditional; unexpected arguments: {', '.join(conditioning)}")
        return {}

    def test_conditioning(self, labels: torch.Tensor) -> dict[str, Any]:
        """The conditioning to use for test images with these labels (none here)."""
        return {}

    def check_codes(self, z: Any, what: str = "z") -> torch.Tensor:
        if not isinstance(z, torch.Tensor):
            raise TypeError(f"{what} must be a torch.Tensor of shape (N, {self.latent_dim}), got {type(z).__name__}")
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"{what} must have shape (N, {self.latent_dim}), got {tuple(z.shape)}")
        if not z.is_floating_point():
            raise TypeError(f"{what} must be a float tensor, got dtype {z.dtype}")
        if not torch.isfinite(z).all():
            raise ValueError(f"{what} contains NaN or Inf values")
        return z.to(self.device, self.dtype)

    def encode(self, x: torch.Tensor, **conditioning: Any) -> torch.Tensor:
        """Images ``(N, C, H, W)`` in [0, 1] -> codes ``(N, latent_dim)``."""
        x = check_images(x, self.image_shape).to(self.device, self.dtype)
        return self.encode_batch(x, **self.condition_inputs(x.shape[0], **conditioning))

    def decode(self, z: torch.Tensor, **conditioning: Any) -> torch.Tensor:
        """Codes ``(N, latent_dim)`` -> images ``(N, C, H, W)`` in [0, 1]."""
        z = self.check_codes(z)
        return self.decode_batch(z, **self.condition_inputs(z.shape[0], **conditioning))

    def reconstruct(self, x: torch.Tensor, **conditioning: Any) -> torch.Tensor:
        """``decode(encode(x))``."""
        x = check_images(x, self.image_shape).to(self.device, self.dtype)
        inputs = self.condition_inputs(x.shape[0], **conditioning)
        return self.decode_batch(self.encode_batch(x, **inputs), **inputs)

    def interpolate(self, a: torch.Tensor, b: torch.Tensor, steps: int = 10, **conditioning: Any) -> torch.Tensor:
        """Decode ``steps`` evenly spaced codes from ``encode(a)`` to ``encode(b)``.

        ``a`` and ``b`` are single images; conditioning (if any) has one entry
        for ``a`` and one for ``b``. Returns ``(steps, C, H, W)``.
        """
        pair = torch.cat([self._single(a, "a"), self._single(b, "b")])
        codes = self.encode(pair, **conditioning)
        return self.interpolate_codes(codes[0], codes[1], steps, **conditioning)

    def interpolate_codes(self, za: torch.Tensor, zb: torch.Tensor, steps: int = 10, **conditioning: Any) -> torch.Tensor:
        """Decode ``steps`` evenly spaced points on the line from code ``za`` to ``zb``."""
        steps = check_count(steps, "steps")
        if steps < 2:
            raise ValueError(f"steps must be at least 2 (the two end points), got {steps}")
        ends = self.check_codes(torch.stack([torch.as_tensor(za), torch.as_tensor(zb)]), "the end codes")
        inputs = self.condition_inputs(2, **conditioning)
        t = torch.linspace(0.0, 1.0, steps, device=self.device, dtype=self.dtype).unsqueeze(1)
        line = {key: torch.lerp(v[0:1], v[1:2], t) for key, v in inputs.items()}
        return self.decode_batch(torch.lerp(ends[0:1], ends[1:2], t), **line)

    def _single(self, x: Any, what: str) -> torch.Tensor:
        images = check_images(x, self.image_shape, what)
        if images.shape[0] != 1:
            raise ValueError(f"{what} must be a single image ({', '.join(map(str, self.image_shape))}), got a batch of {images.shape[0]}")
        return images.reshape(1, *self.image_shape)

    def draw_codes(self, noise: SampleNoise) -> torch.Tensor:
        if self.code_prior is not None:
            return self.code_prior.sample(noise).to(self.device, self.dtype)
        return self.latent_noise(noise, self.latent_dim)

    def prior_codes(self, n: int, seed: int | None = None) -> torch.Tensor:
        """``n`` codes from the distribution ``sample`` decodes (reproducible from ``seed``)."""
        return self.draw_codes(SampleNoise.seeded(seed, check_count(n)))

    def latent_codes(self, n: int, *, seed: int | None = None) -> torch.Tensor:
        """The codes ``sample(n, seed=seed)`` decodes (:mod:`zoo.models.latent`): ``prior_codes``."""
        return self.prior_codes(n, seed)

    def latent_conditioning(self, n: int, *, seed: int | None = None) -> dict[str, Any]:
        """The labels ``sample(n, seed=seed)`` of a conditional autoencoder draws (:mod:`zoo.models.latent`)."""
        return self.split_conditioning(check_count(n), SampleNoise.seeded(seed, n, CONDITIONING))

    def from_latent_codes(self, z: torch.Tensor, **conditioning: Any) -> torch.Tensor:
        """Images of codes ``z`` (:mod:`zoo.models.latent`): ``decode``."""
        return self.decode(z, **conditioning)

    @torch.no_grad()
    def traversal_codes(
        self, dims: Sequence[int] | None = None, steps: int = 9, span: float = 2.5, *, seed: int = 0,
    ) -> torch.Tensor:
        """Codes ``(len(dims) * steps, latent_dim)`` that vary one dimension at a time around a seeded code.

        Row ``r`` of ``steps`` codes is the code ``sample(1, seed=seed)`` decodes with dimension
        ``dims[r]`` (default: every dimension in order) set to ``steps`` evenly spaced values from
        ``span`` standard deviations below that dimension's mean to ``span`` above, mean and
        deviation measured on ``TRAVERSAL_DRAWS`` codes of the distribution ``sample`` decodes.
        """
        if not self.continuous_codes:
            raise TypeError(f"{type(self).__name__} has discrete codes: there is no dimension to traverse")
        dims = list(range(self.latent_dim)) if dims is None else list(dims)
        if not dims or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d < self.latent_dim for d in dims):
            raise ValueError(f"dims must be code dimensions, whole numbers from 0 to {self.latent_dim - 1}, got {dims}")
        steps = check_count(steps, "steps")
        if steps < 2:
            raise ValueError(f"steps must be at least 2 (the two ends of each row), got {steps}")
        if isinstance(span, bool) or not isinstance(span, (int, float)) or not 0 < span < math.inf:
            raise ValueError(f"span must be a positive number of standard deviations, got {span!r}")
        spread = self.prior_codes(TRAVERSAL_DRAWS, seed=0).double()
        centre, scale = spread.mean(0), spread.std(0)
        offsets = torch.linspace(-span, span, steps, dtype=torch.float64)
        codes = self.prior_codes(1, seed=seed).double().repeat(len(dims) * steps, 1)
        for row, dim in enumerate(dims):
            codes[row * steps : (row + 1) * steps, dim] = centre[dim] + offsets.to(centre.device) * scale[dim]
        return codes.to(self.dtype)

    @torch.no_grad()
    def traverse(
        self, dims: Sequence[int] | None = None, steps: int = 9, span: float = 2.5, *, seed: int = 0,
        **conditioning: Any,
    ) -> torch.Tensor:
        """Images ``(len(dims) * steps, C, H, W)`` of :meth:`traversal_codes`: row ``r`` shows what
        dimension ``dims[r]`` does to the seeded code's image. Conditioning (if any) is given as
        ``decode`` takes it, one entry per image of the grid."""
        return self.decode(self.traversal_codes(dims, steps, span, seed=seed), **conditioning)

    def generate(self, noise: SampleNoise, **conditioning: Any) -> torch.Tensor:
        return self.decode_batch(self.draw_codes(noise), **self.condition_inputs(len(noise), **conditioning))

    @torch.inference_mode()
    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """Test-set metrics for the model card: here the reconstruction MSE per pixel."""
        total = 0.0
        for start in range(0, images.shape[0], EVAL_BATCH):
            x = images[start : start + EVAL_BATCH].to(self.device, self.dtype)
            conditioning = self.test_conditioning(labels[start : start + EVAL_BATCH])
            total += (self.reconstruct(x, **conditioning) - x).square().sum().item()
        return {"recon_mse": round(total / images.numel(), 5)}


class ConditionalAutoencoder(Autoencoder, ConditionalModel):
    """An autoencoder whose encoder and decoder also see a one-hot class label ``y``."""

    def condition_inputs(self, n: int, labels: Any = None, **rest: Any) -> dict[str, torch.Tensor]:
        if rest:
            raise TypeError(f"{type(self).__name__} got unexpected arguments: {', '.join(rest)}")
        if labels is None:
            raise ValueError(f"{type(self).__name__} is conditional: pass labels= (one class index per image)")
        labels = self.check_labels(n, labels)
        return {"y": F.one_hot(labels, self.num_classes).to(self.device, self.dtype)}

    def test_conditioning(self, labels: torch.Tensor) -> dict[str, Any]:
        return {"labels": labels}


def as_autoencoder(model: Any) -> Autoencoder:
    """``model`` itself, or a clear error if it is not an autoencoder."""
    if not isinstance(model, Autoencoder):
        name = getattr(getattr(model, "spec", None), "name", type(model).__name__)
        family = getattr(getattr(model, "spec", None), "family", "model")
        raise TypeError(f"{name!r} is a {family}, not an autoencoder: it has no codes to interpolate or reconstruct")
    return model


@torch.inference_mode()
def reconstruction_rows(model: Autoencoder, images: torch.Tensor, labels: torch.Tensor, per_row: int = 8) -> torch.Tensor:
    """Rows of ``per_row`` images, each followed by a row of their reconstructions."""
    model = as_autoencoder(model)
    recon = model.reconstruct(images, **model.test_conditioning(labels)).to(images.device, images.dtype)
    rows = []
    for start in range(0, images.shape[0], per_row):
        rows += [images[start : start + per_row], recon[start : start + per_row]]
    return torch.cat(rows).clamp(0.0, 1.0)
