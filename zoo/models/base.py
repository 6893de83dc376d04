"""The model protocol shared by every generative model in the zoo."""
from __future__ import annotations

import numbers
from typing import Any, Iterator

import torch
from torch import nn

from zoo.models.capabilities import Capability
from zoo.models.noise import CONDITIONING, SampleNoise, SeedStreams

DEFAULT_BATCH_SIZE = 1000


def check_count(n: Any, what: str = "n") -> int:
    """Return ``n`` as an int if it is a positive whole number, else raise."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{what} must be a positive int (the number of images), got {type(n).__name__} {n!r}")
    if n <= 0:
        raise ValueError(f"{what} must be a positive int (the number of images), got {n}")
    return int(n)


def check_device(device: Any) -> torch.device:
    """``device`` as a ``torch.device`` that exists here and holds data, else a ``ValueError``.

    Refused before anything moves: moving to the meta device (which holds no
    data) would destroy the weights in place.
    """
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must name a device such as 'cpu', 'cuda' or 'cuda:1', got {device!r}") from None
    if device.type == "meta":
        raise ValueError("device 'meta' holds no data, so a model cannot sample there; use 'cpu' or 'cuda'")
    if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
        raise ValueError(f"device {str(device)!r} is not available here ({torch.cuda.device_count()} CUDA devices)")
    if device.type not in ("cpu", "cuda"):
        try:
            torch.empty(0, device=device)
        except (RuntimeError, NotImplementedError):
            raise ValueError(f"device {str(device)!r} is not available here; use 'cpu' or 'cuda'") from None
    return device


class GenerativeModel(nn.Module):
    """Base class: subclasses implement ``generate(noise, **conditioning)``.

    ``generate`` returns images in ``[0, 1]`` for one batch, one image per
    generator of ``noise`` (:class:`~zoo.models.noise.SampleNoise`), drawing
    each image's randomness from its own generator only.
    """

    provides = (Capability.SAMPLE,)

    image_shape: tuple[int, int, int] = (1, 28, 28)
    options: tuple[str, ...] = ()  # keyword arguments of sample() that apply to the whole call (a sampler's steps=)

    @property
    def device(self) -> torch.device:
        for tensor in self.parameters():
            return tensor.device
        return torch.device("cpu")

    @property
    def dtype(self) -> torch.dtype:
        for tensor in self.parameters():
            return tensor.dtype
        return torch.float32

    def generate(self, noise: SampleNoise, **conditioning: Any) -> torch.Tensor:
        raise NotImplementedError

    def check_options(self, **options: Any) -> dict[str, Any]:
        """Validate the call-wide ``options`` (those named in ``options``); they reach every
        ``generate`` call as keyword arguments (hook for subclasses)."""
        return options

    def split_conditioning(self, n: int, noise: SampleNoise, **conditioning: Any) -> dict[str, Any]:
        """Validate per-sample conditioning for ``n`` images, drawing what is left out from
        ``noise`` (one generator per image; hook for subclasses)."""
        if conditioning:
            raise TypeError(f"{type(self).__name__}.sample() got unexpected arguments: {', '.join(conditioning)}")
        return {}

    @torch.inference_mode()
    def sample(
        self,
        n: int,
        *,
        seed: int | None = None,
        device: str | torch.device | None = None,
        batch_size: int | None = None,
        **conditioning: Any,
    ) -> torch.Tensor:
        """Draw ``n`` images as a float tensor ``(n, C, H, W)`` in ``[0, 1]``.

        The same ``seed`` gives the same images, image by image: ``sample(n, seed=s)[:k]``
        equals ``sample(k, seed=s)``. Work is done in batches of ``batch_size``
        (default 1000), which bounds memory and changes nothing else.
        """
        batches = self.sample_batches(n, seed=seed, device=device, batch_size=batch_size, **conditioning)
        out = torch.empty((n, *self.image_shape), device=self.device)
        start = 0
        for batch in batches:
            out[start:start + len(batch)] = batch
            start += len(batch)
        return out

    def sample_batches(
        self,
        n: int,
        *,
        seed: int | None = None,
        device: str | torch.device | None = None,
        batch_size: int | None = None,
        **conditioning: Any,
    ) -> Iterator[torch.Tensor]:
        """The images of ``sample(n, ...)`` one batch at a time, for more than fit in memory at once.

        Arguments are checked, and the model moved, before the first batch is asked for.
        """
        n = check_count(n)
        batch_size = DEFAULT_BATCH_SIZE if batch_size is None else check_count(batch_size, "batch_size")
        if device is not None:
            self.to(check_device(device))
        streams = SeedStreams(seed)
        options = self.check_options(**{key: conditioning.pop(key) for key in self.options if key in conditioning})
        per_sample = self.split_conditioning(n, streams.images(0, n, CONDITIONING), **conditioning)
        return self._batches(n, batch_size, streams, per_sample, options)

    @torch.inference_mode()
    def _batches(
        self, n: int, batch_size: int, streams: SeedStreams, per_sample: dict[str, Any], options: dict[str, Any]
    ) -> Iterator[torch.Tensor]:
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            batch_kwargs = {key: value[start:stop] for key, value in per_sample.items()}
            yield self.generate(streams.images(start, stop), **options, **batch_kwargs).float().clamp_(0.0, 1.0)

    def latent_noise(self, noise: SampleNoise, dim: int) -> torch.Tensor:
        """Standard normal latents ``(len(noise), dim)``, moved to the model's device and dtype."""
        return noise.normal(dim).to(self.device, self.dtype)


def check_images(x: Any, shape: tuple[int, int, int], what: str = "x") -> torch.Tensor:
    """Validate a batch of images in ``[0, 1]`` with the given ``(C, H, W)``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{what} must be a torch.Tensor of shape (N, {', '.join(map(str, shape))}), got {type(x).__name__}")
    if x.dim() == 3 and shape[0] == 1:
        x = x.unsqueeze(1)
    if x.dim() != 4 or tuple(x.shape[1:]) != tuple(shape):
        raise ValueError(f"{what} must have shape (N, {', '.join(map(str, shape))}), got {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"{what} must be a float tensor with values in [0, 1], got dtype {x.dtype}")
    if not torch.isfinite(x).all():
        raise ValueError(f"{what} contains NaN or Inf values")
    if x.numel() and (x.min() < -1e-3 or x.max() > 1 + 1e-3):
        raise ValueError(
            f"{what} must have values in [0, 1], got range [{x.min().item():.3g}, {x.max().item():.3g}]"
        )
    return x


class ConditionalModel(GenerativeModel):
    """A generator conditioned on class labels: ``sample(n, labels=...)``.

    ``labels`` is a sequence or integer tensor of ``n`` class indices in
    ``[0, num_classes)``. With ``labels=None`` the labels are drawn uniformly
    at random from the seeded generator, so a seed still fixes the images.
    """

    provides = (Capability.LABELS,)

    num_classes: int = 10

    def split_conditioning(self, n: int, noise: SampleNoise, labels: Any = None, **rest: Any) -> dict[str, Any]:
        super().split_conditioning(n, noise, **rest)
        return {"labels": self.check_labels(n, labels, noise)}

    def check_labels(self, n: int, labels: Any, noise: SampleNoise | None = None) -> torch.Tensor:
        """``labels`` checked; None draws one per image from ``noise``."""
        if labels is None:
            if noise is None:
                raise ValueError(f"{type(self).__name__} is conditional: pass labels= (one class index per image)")
            return noise.integers(self.num_classes)
        return check_indices(labels, n, self.num_classes)


def check_indices(values: Any, n: int, classes: int, what: str = "labels") -> torch.Tensor:
    """``n`` integer class indices in ``[0, classes)`` as a CPU long tensor, else a clear error."""
    if not isinstance(values, torch.Tensor):
        try:
            values = torch.as_tensor(values)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{what} must be a sequence of {n} ints, got {type(values).__name__}") from None
    if values.dtype.is_floating_point or values.dtype == torch.bool or values.dtype.is_complex:
        raise TypeError(f"{what} must be integers in [0, {classes}), got dtype {values.dtype}")
    values = values.reshape(-1).long().cpu()
    if values.numel() != n:
        raise ValueError(f"{what} must have one entry per image: expected {n}, got {values.numel()}")
    if values.numel() and (values.min() < 0 or values.max() >= classes):
        raise ValueError(
            f"{what} must be in [0, {classes}), got values from {values.min().item()} to {values.max().item()}"
        )
    return values
