"""The translation family: image-to-image models with one interface.

A flavour subclasses :class:`TranslationModel`, names its directions (each an
input and an output image shape; the first, the default, maps into the
dataset's domain) and implements ``translate_batch`` on validated images in
``[0, 1]`` and ``inputs_batch``, which turns clean images of its dataset into
its input domain (edge maps, low-resolution, masked or recoloured copies).
So anyone can measure a translation without knowing its input format:
``translate(inputs_from(images))`` should show what ``images`` show.
``sample`` translates example inputs that ship with the weights (a ``uint8``
buffer that the training recipe fills with :meth:`TranslationModel.keep_examples`),
so a seed picks which examples are shown; ``sample_inputs`` gives them.
:class:`PatchDiscriminator` is the family's conditional-or-not PatchGAN
critic. A flavour names further translations that should keep the class of
their source in :meth:`TranslationModel.label_keeping_translations`; the
evaluation code measures how often the dataset's evaluation network agrees.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import torch
from torch import nn

from zoo.models.base import GenerativeModel, check_count, check_images
from zoo.models.capabilities import Capability
from zoo.models.noise import CONDITIONING, SampleNoise, SeedStreams, check_seed

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

    provides = (Capability.TRANSLATE,)

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
        """The direction into the dataset's domain, which ``translate`` takes unless told otherwise."""
        return next(iter(self.directions))

    @property
    def input_shape(self) -> Shape:
        """The shape of one input of the default direction."""
        return self.directions[self.default_direction][0]

    @property
    def dataset_shape(self) -> Shape:
        """The shape of one image of the dataset: the default direction's output."""
        return self.directions[self.default_direction][1]

    def translate_batch(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        """Validated inputs in ``[0, 1]`` on the model's device and dtype -> outputs in ``[0, 1]``."""
        raise NotImplementedError

    def inputs_batch(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Validated clean images on the model's device and dtype -> inputs of the default direction in
        ``[0, 1]``, drawing any randomness from ``generator`` (on the CPU)."""
        raise NotImplementedError

    @torch.inference_mode()
    def inputs_from(self, images: torch.Tensor, *, seed: int | None = None) -> torch.Tensor:
        """Clean images of the dataset ``(N, *dataset_shape)`` in ``[0, 1]`` -> the model's inputs
        ``(N, *input_shape)`` in ``[0, 1]``; what is random in the change comes from ``seed``."""
        images = check_images(images, self.dataset_shape, "images (clean images of the dataset)")
        generator = torch.Generator().manual_seed(SeedStreams(seed).seed)
        return self.inputs_batch(images.to(self.device, self.dtype), generator)

    def sample_inputs(self, n: int, *, seed: int | None = None, start: int = 0) -> torch.Tensor:
        """The stored example inputs that images ``start`` to ``n - 1`` of ``sample(n, seed=seed)``
        translate, ``(n - start, *input shape)`` in ``[0, 1]`` (in slices, for more than fit in memory)."""
        if not 0 <= start < check_count(n):
            raise ValueError(f"start must be in [0, n), got {start} with n={n}")
        noise = SeedStreams(seed).images(start, n, CONDITIONING)
        example = self.split_conditioning(n - start, noise)["example"]
        return self.examples[example.to(self.examples.device)].float() / 255.0

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

    def translate(
        self, inputs: torch.Tensor, *, direction: str | None = None, seed: int | None = None
    ) -> torch.Tensor:
        """Translate images ``(N, C, H, W)`` in ``[0, 1]``; returns the outputs, also in ``[0, 1]``.

        ``direction`` names one of ``self.directions`` (default: the first, into
        the dataset's domain); the inputs must have that direction's input
        shape. ``seed`` fixes what a model that draws randomness draws (a
        deterministic translation ignores it).
        """
        check_seed(seed)
        direction = self.check_direction(direction)
        source, _ = self.directions[direction]
        inputs = check_images(inputs, source, f"inputs (of direction {direction!r})")
        return self.translate_batch(inputs.to(self.device, self.dtype), direction)

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
