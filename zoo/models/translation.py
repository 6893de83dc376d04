"""The translation family: image-to-image models with ``translate(x)`` and example inputs.

A flavour subclasses :class:`TranslationModel`, names its directions (each an
input and an output image shape) and implements ``translate_batch`` on
validated images in ``[0, 1]``. ``translate`` checks its input; ``sample``
translates example inputs that ship with the weights (a ``uint8`` buffer
that the training recipe fills with :meth:`TranslationModel.keep_examples`),
so a seed picks which examples are shown. :class:`PatchDiscriminator` is the
family's conditional-or-not PatchGAN critic. A flavour names the translations
that should keep the class of their source in
:meth:`TranslationModel.label_keeping_translations`; the evaluation code
measures how often the dataset's evaluation network agrees.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import torch
from torch import nn

from zoo.models.base import GenerativeModel, check_images
from zoo.models.noise import SampleNoise

Shape = tuple[int, int, int]
Translation = Callable[[torch.Tensor], torch.Tensor]
EVAL_BATCH = 1000


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """Images in ``[0, 1]`` as 8-bit integers."""
    return images.clamp(0.0, 1.0).mul(255.0).round().to(torch.uint8)


def quantised(images: torch.Tensor) -> torch.Tensor:
    """Images in ``[0, 1]`` rounded to the 256 levels of an 8-bit image."""
    return images.clamp(0.0, 1.0).mul(255.0).round().div(255.0)


def placeholder_examples(count: int, shape: Shape) -> torch.Tensor:
    """Seeded noise images (``uint8``) standing in for example inputs until training stores real ones."""
    return torch.randint(0, 256, (count, *shape), generator=torch.Generator().manual_seed(0), dtype=torch.uint8)


class TranslationModel(GenerativeModel):
    """Base class of the family.

    ``directions`` maps each direction's name to its ``(input shape, output
    shape)``; the first is the default of ``translate``. ``sample(n)``
    translates ``n`` stored example inputs in direction ``sample_direction``
    (so ``image_shape`` is that direction's output shape), drawn without
    replacement when ``n`` is at most the number stored, with replacement
    otherwise.
    """

    metric_notes: dict[str, str] = {}

    def __init__(self, directions: Mapping[str, tuple[Sequence[int], Sequence[int]]], sample_direction: str, examples: int) -> None:
        super().__init__()
        self.directions: dict[str, tuple[Shape, Shape]] = {
            name: (tuple(source), tuple(target)) for name, (source, target) in directions.items()
        }
        if sample_direction not in self.directions:
            raise ValueError(f"sample_direction {sample_direction!r} is not one of {', '.join(self.directions)}")
        if examples <= 0:
            raise ValueError(f"examples must be a positive number of stored inputs, got {examples}")
        self.sample_direction = sample_direction
        source, self.image_shape = self.directions[sample_direction]
        self.register_buffer("examples", placeholder_examples(examples, source))
        self.register_buffer("examples_kept", torch.zeros((), dtype=torch.long))

    @property
    def default_direction(self) -> str:
        return next(iter(self.directions))

    def translate_batch(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        """Validated inputs in ``[0, 1]`` on the model's device and dtype -> outputs in ``[0, 1]``."""
        raise NotImplementedError

    def check_direction(self, direction: Any) -> str:
        """``direction`` if it names one of the model's directions (``None``: the default), else raise."""
        if direction is None:
            return self.default_direction
        known = ", ".join(repr(name) for name in self.directions)
        if not isinstance(direction, str):
            raise TypeError(f"direction must be a string, one of {known}; got {type(direction).__name__}")
        if direction not in self.directions:
            raise ValueError(f"unknown direction {direction!r}; {type(self).__name__} translates {known}")
        return direction

    def translate(self, x: torch.Tensor, direction: str | None = None) -> torch.Tensor:
        """Translate images ``(N, C, H, W)`` in ``[0, 1]``; returns the outputs, also in ``[0, 1]``.

        ``direction`` names one of ``self.directions`` (default: the first);
        the input must have that direction's input shape.
        """
        direction = self.check_direction(direction)
        source, _ = self.directions[direction]
        x = check_images(x, source, f"x (the input of direction {direction!r})")
        return self.translate_batch(x.to(self.device, self.dtype), direction)

    @torch.no_grad()
    def keep_examples(self, inputs: torch.Tensor) -> None:
        """Store ``inputs`` (of the sample direction, in ``[0, 1]``) as examples until all slots hold real ones."""
        start = int(self.examples_kept)
        take = min(inputs.shape[0], self.examples.shape[0] - start)
        if take > 0:
            self.examples[start : start + take] = to_uint8(inputs[:take].detach()).to(self.examples.device)
            self.examples_kept += take

    def split_conditioning(self, n: int, noise: SampleNoise, **conditioning: Any) -> dict[str, Any]:
        super().split_conditioning(n, noise, **conditioning)
        return {"example": noise.integers(self.examples.shape[0])}

    def generate(self, noise: SampleNoise, example: torch.Tensor) -> torch.Tensor:
        inputs = self.examples[example.to(self.examples.device)].to(self.dtype) / 255.0
        return self.translate_batch(inputs, self.sample_direction)

    def label_keeping_translations(self, images: torch.Tensor) -> dict[str, tuple[torch.Tensor, Translation]]:
        """Metric name -> ``(inputs, translation)``, one input per test image in ``images``.

        Each translated input should show the class of the test image it came
        from; ``translation`` maps a batch of inputs (on the model's device and
        dtype) to images of the dataset in ``[0, 1]``. None by default.
        """
        return {}


class PatchDiscriminator(nn.Module):
    """PatchGAN critic for 28x28 images: one score per overlapping patch (a 7x7 map).

    ``channels`` is the number of input channels (for a conditional critic,
    input and output images concatenated); ``norm`` is ``"batch"``,
    ``"instance"`` or ``"none"``. Each score sees an 18x18 patch of the image.
    """

    def __init__(self, channels: int, width: int = 64, norm: str = "batch") -> None:
        super().__init__()
        norms = {
            "batch": nn.BatchNorm2d,
            "instance": lambda c: nn.InstanceNorm2d(c, affine=True),
            "none": lambda c: nn.Identity(),
        }
        if norm not in norms:
            raise ValueError(f"norm must be one of {', '.join(norms)}, got {norm!r}")
        self.net = nn.Sequential(
            nn.Conv2d(channels, width, 4, 2, 1),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False),
            norms[norm](2 * width),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(2 * width, 1, 3, 1, 1),
        )

    def forward(self, *images: torch.Tensor) -> torch.Tensor:
        """Images in ``[-1, 1]`` (several are concatenated along channels) -> scores ``(N, 7, 7)``."""
        return self.net(torch.cat(images, 1)).squeeze(1)
