"""Networks and bases shared by the image-to-image flavours (restoration, unpaired and multimodal translation).

Networks work on 28x28 images in ``[-1, 1]``:

- :class:`ResNetTranslator`: conv stem, one stride-2 step down to 14x14,
  residual blocks, one step back up; optional style code broadcast as extra
  input channels;
- :class:`UNet`: 28 -> 14 -> 7 -> 14 -> 28 with skip connections, optional style code.

Bases (subclasses of :class:`~zoo.models.translation.TranslationModel`):

- :class:`Restoration`: one direction, degraded copies (``degrade``) back into
  clean images; ``forward`` works in ``[-1, 1]``;
- :class:`Inpainting`: the centre square painted over, filled in by a network
  (the rest of the image passes through);
- :class:`SuperResolution`: ``factor`` times smaller copies back to full size;
- :class:`ColouredDigitsTranslation`: unpaired grey digits (domain A, 1 channel, the dataset's) and
  coloured digits (domain B, :func:`zoo.models.digit_domains.colourise`),
  ``b2a`` (into the dataset's domain) first, then ``a2b``; :class:`TranslatorPair` holds one network
  of a kind for each;
- :class:`Multimodal`: one input, many outputs: ``translate(x, seed=s)`` or
  ``translate(x, style=codes)``, style codes N(0, I) of ``style_dim``; the
  spread of outputs is measured by :func:`diversity`.
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from zoo.models.digit_domains import centre_mask, colourise, mask_centre, shrink
from zoo.models.noise import SampleNoise, SeedStreams, check_seed
from zoo.models.base import check_images
from zoo.models.translation import EVAL_BATCH, Translation, TranslationModel

DIGITS = (1, 28, 28)
COLOURED = (3, 28, 28)
NORMS = {
    "batch": nn.BatchNorm2d,
    "instance": lambda c: nn.InstanceNorm2d(c, affine=True),
    "none": lambda c: nn.Identity(),
}
DIVERSITY_SEEDS = (1, 2)  # the two style seeds whose outputs are compared
KEPT_SEED = 0  # what is random in the inputs and the styles of the "kept" metric


def norm_layer(kind: str, channels: int) -> nn.Module:
    """A normalisation layer: ``"batch"``, ``"instance"`` (affine) or ``"none"``."""
    if kind not in NORMS:
        raise ValueError(f"norm must be one of {', '.join(NORMS)}, got {kind!r}")
    return NORMS[kind](channels)


def with_code(x: torch.Tensor, code: torch.Tensor | None) -> torch.Tensor:
    """``x`` with ``code`` ``(N, D)`` broadcast over its pixels as ``D`` extra channels."""
    if code is None:
        return x
    return torch.cat([x, code.view(*code.shape, 1, 1).expand(-1, -1, *x.shape[2:])], 1)


class ResidualBlock(nn.Module):
    """x + conv-norm-ReLU-conv-norm(x), 3x3 convolutions keeping the width."""

    def __init__(self, width: int, norm: str = "instance") -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(width, width, 3, 1, 1), norm_layer(norm, width), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, 1, 1), norm_layer(norm, width),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class ResNetTranslator(nn.Module):
    """``(N, source, 28, 28)`` -> ``(N, target, 28, 28)`` in ``[-1, 1]``: 28 -> 14 -> ``blocks``
    residual blocks -> 28; a style code of ``code_dim`` (0: none) enters as extra input channels."""

    def __init__(self, source: int, target: int, width: int = 32, blocks: int = 3, code_dim: int = 0,
                 norm: str = "instance") -> None:
        super().__init__()
        self.code_dim = code_dim
        self.net = nn.Sequential(
            nn.Conv2d(source + code_dim, width, 7, 1, 3), norm_layer(norm, width), nn.ReLU(inplace=True),
            nn.Conv2d(width, 2 * width, 4, 2, 1), norm_layer(norm, 2 * width), nn.ReLU(inplace=True),
            *(ResidualBlock(2 * width, norm) for _ in range(blocks)),
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1), norm_layer(norm, width), nn.ReLU(inplace=True),
            nn.Conv2d(width, target, 7, 1, 3), nn.Tanh(),
        )

    def forward(self, x: torch.Tensor, code: torch.Tensor | None = None) -> torch.Tensor:
        return self.net(with_code(x, code))


def down(fan_in: int, fan_out: int, norm: str) -> nn.Sequential:
    """Halve the resolution: 4x4 stride-2 convolution, normalisation, LeakyReLU(0.2)."""
    return nn.Sequential(nn.Conv2d(fan_in, fan_out, 4, 2, 1), norm_layer(norm, fan_out), nn.LeakyReLU(0.2, inplace=True))


def up(fan_in: int, fan_out: int, norm: str) -> nn.Sequential:
    """Double the resolution: 4x4 stride-2 transposed convolution, normalisation, ReLU."""
    return nn.Sequential(nn.ConvTranspose2d(fan_in, fan_out, 4, 2, 1), norm_layer(norm, fan_out), nn.ReLU(inplace=True))


class UNet(nn.Module):
    """``(N, source, 28, 28)`` -> ``(N, target, 28, 28)`` in ``[-1, 1]``: 28 -> 14 -> 7 -> 14 -> 28 with
    skip connections; a style code of ``code_dim`` (0: none) enters as extra input channels."""

    def __init__(self, source: int, target: int, width: int = 32, code_dim: int = 0, norm: str = "batch") -> None:
        super().__init__()
        self.code_dim = code_dim
        self.stem = nn.Sequential(nn.Conv2d(source + code_dim, width, 3, 1, 1), nn.LeakyReLU(0.2, inplace=True))
        self.down1 = down(width, 2 * width, norm)
        self.down2 = down(2 * width, 4 * width, norm)
        self.up2 = up(4 * width, 2 * width, norm)
        self.up1 = up(4 * width, width, norm)
        self.head = nn.Sequential(nn.Conv2d(2 * width, target, 3, 1, 1), nn.Tanh())

    def forward(self, x: torch.Tensor, code: torch.Tensor | None = None) -> torch.Tensor:
        s28 = self.stem(with_code(x, code))
        s14 = self.down1(s28)
        s7 = self.down2(s14)
        u28 = self.up1(torch.cat([self.up2(s7), s14], 1))
        return self.head(torch.cat([u28, s28], 1))


class Restoration(TranslationModel):
    """Degraded copies of the dataset's images back into clean ones: one direction, ``name``.

    Subclasses implement ``degrade`` (clean images in ``[0, 1]`` -> inputs,
    deterministic) and ``forward`` (inputs in ``[-1, 1]`` -> images in ``[-1, 1]``).
    """

    def __init__(self, name: str, input_shape: tuple[int, int, int], examples: int,
                 output_shape: tuple[int, int, int] = DIGITS) -> None:
        super().__init__({name: (input_shape, output_shape)}, name, examples)

    def degrade(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def translate_batch(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        return self(x * 2 - 1).add(1).mul(0.5)

    def inputs_batch(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return self.degrade(images)

    def label_keeping_translations(self, images: torch.Tensor) -> dict[str, tuple[torch.Tensor, Translation]]:
        """Test images degraded and restored should show their own class ("kept")."""
        return {"kept": (self.inputs_from(images, seed=KEPT_SEED), lambda batch: self.translate_batch(batch, self.default_direction))}


class Inpainting(Restoration):
    """Images with their centre ``hole`` x ``hole`` square painted grey -> the whole image: ``network``
    (inputs in ``[-1, 1]`` -> images in ``[-1, 1]``) fills the square, the rest is the input's."""

    def __init__(self, network: nn.Module, hole: int, examples: int, shape: tuple[int, int, int] = DIGITS) -> None:
        super().__init__("inpaint", shape, examples, shape)
        self.network = network
        self.hole = hole
        self.register_buffer("mask", centre_mask(shape[1], shape[2], hole), persistent=False)

    def degrade(self, images: torch.Tensor) -> torch.Tensor:
        return mask_centre(images, self.hole)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Masked images in ``[-1, 1]`` -> inpainted images in ``[-1, 1]``."""
        return torch.lerp(x, self.network(x), self.mask.to(x.dtype))


class SuperResolution(Restoration):
    """``factor`` times smaller copies (area averages, :func:`~zoo.models.digit_domains.shrink`) -> full
    size; subclasses implement ``forward`` (small images in ``[-1, 1]`` -> full-size ones)."""

    def __init__(self, factor: int, examples: int, shape: tuple[int, int, int] = DIGITS) -> None:
        channels, height, width = shape
        if height % factor or width % factor:
            raise ValueError(f"images of {height}x{width} cannot be shrunk {factor} times")
        super().__init__(f"x{factor}", (channels, height // factor, width // factor), examples, shape)
        self.factor = factor

    def degrade(self, images: torch.Tensor) -> torch.Tensor:
        return shrink(images, self.factor)


class ColouredDigitsTranslation(TranslationModel):
    """Unpaired translation between grey digits (A, the dataset's) and coloured digits (B): ``b2a`` (the default,
    into the dataset's domain) and ``a2b``. ``inputs_from(digits, seed=s)`` colours digits with styles
    drawn from ``s``; ``forward(x, direction)`` works in ``[-1, 1]``; ``sample`` turns stored coloured
    training digits back into grey digits."""

    metric_notes = {
        "kept": "fraction of coloured test digits (styles of seed 0) translated by b2a that the dataset's "
        "classifier gives the digit's own label",
        "cycle_label_accuracy": "the same for test digits through a2b then b2a",
    }

    def __init__(self, examples: int) -> None:
        super().__init__({"b2a": (COLOURED, DIGITS), "a2b": (DIGITS, COLOURED)}, "b2a", examples)

    def translate_batch(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        return self(x * 2 - 1, direction).add(1).mul(0.5)

    def inputs_batch(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return colourise(images, generator)

    def label_keeping_translations(self, images: torch.Tensor) -> dict[str, tuple[torch.Tensor, Translation]]:
        """Coloured test digits brought back into the dataset's domain ("kept"), and test digits through a2b then b2a."""
        back = lambda batch: self.translate_batch(batch, "b2a")  # noqa: E731
        return {
            "kept": (self.inputs_from(images, seed=KEPT_SEED), back),
            "cycle_label_accuracy": (images, lambda batch: back(self.translate_batch(batch, "a2b"))),
        }


class TranslatorPair(ColouredDigitsTranslation):
    """Two networks of one kind, ``a2b`` and ``b2a``, made by ``translator(in_channels, out_channels)``
    (DiscoGAN, DualGAN: the flavours differ in the network and the recipe only)."""

    def __init__(self, translator: Callable[[int, int], nn.Module], examples: int) -> None:
        super().__init__(examples)
        self.a2b = translator(DIGITS[0], COLOURED[0])
        self.b2a = translator(COLOURED[0], DIGITS[0])

    def forward(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        """Images in ``[-1, 1]`` -> their translation in ``direction`` (``"a2b"`` or ``"b2a"``), in ``[-1, 1]``."""
        return getattr(self, direction)(x)


class Multimodal(TranslationModel):
    """A translation model whose outputs also depend on a style code ``(N, style_dim)``.

    Subclasses set ``style_dim`` and implement ``translate_styled(x, direction,
    style)`` on inputs in ``[0, 1]``. ``translate(x, seed=s)`` draws image
    ``i``'s code from its own generator seeded from ``(s, i)``;
    ``translate(x, style=codes)`` takes the codes. ``sample`` draws one code per
    image from its seed.
    """

    style_dim: int = 8

    def translate_styled(self, x: torch.Tensor, direction: str, style: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def translate_batch(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        """The translation with the mean style (a zero code)."""
        return self.translate_styled(x, direction, torch.zeros(x.shape[0], self.style_dim, device=x.device, dtype=x.dtype))

    def style_codes(self, n: int, seed: int | None) -> torch.Tensor:
        """``n`` standard normal codes ``(n, style_dim)``, code ``i`` from its own generator of ``seed``."""
        return SeedStreams(seed).images(0, n).normal(self.style_dim).to(self.device, self.dtype)

    def translate(self, inputs: torch.Tensor, *, direction: str | None = None, seed: int | None = None,
                  style: torch.Tensor | None = None) -> torch.Tensor:
        """Translate images ``(N, C, H, W)`` in ``[0, 1]`` in ``direction`` with style codes ``style``
        ``(N, style_dim)``, drawn from ``seed`` when not given."""
        check_seed(seed)
        direction = self.check_direction(direction)
        inputs = check_images(inputs, self.directions[direction][0], f"inputs (of direction {direction!r})")
        if style is None:
            style = self.style_codes(inputs.shape[0], seed)
        elif not isinstance(style, torch.Tensor) or not style.is_floating_point():
            raise TypeError(f"style must be a float tensor of shape (N, {self.style_dim})")
        elif tuple(style.shape) != (inputs.shape[0], self.style_dim):
            raise ValueError(f"style must have shape ({inputs.shape[0]}, {self.style_dim}), got {tuple(style.shape)}")
        return self.translate_styled(inputs.to(self.device, self.dtype), direction, style.to(self.device, self.dtype))

    def generate(self, noise: SampleNoise, example: torch.Tensor) -> torch.Tensor:
        inputs = self.examples[example.to(self.examples.device)].to(self.dtype) / 255.0
        return self.translate_styled(inputs, self.sample_direction, self.latent_noise(noise, self.style_dim))

    def label_keeping_translations(self, images: torch.Tensor) -> dict[str, tuple[torch.Tensor, Translation]]:
        """Test images' inputs translated with codes of seed 0 should show their own class ("kept")."""
        generator = torch.Generator().manual_seed(KEPT_SEED)

        def styled(batch: torch.Tensor) -> torch.Tensor:
            codes = torch.randn(batch.shape[0], self.style_dim, generator=generator).to(batch.device, batch.dtype)
            return self.translate_styled(batch, self.default_direction, codes)

        inputs = self.inputs_from(images, seed=KEPT_SEED)
        return {"kept": (inputs, styled)}

    @torch.inference_mode()
    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """``diversity``: mean absolute pixel difference between the translations of the same test inputs
        under the codes of two seeds (default direction)."""
        return {"diversity": diversity(self, self.inputs_from(images, seed=KEPT_SEED))}


def diversity(model: Multimodal, inputs: torch.Tensor, direction: str | None = None) -> float:
    """Mean absolute difference per pixel (pixels in ``[0, 1]``) between ``model.translate(inputs)``
    under the codes of seeds 1 and 2, in batches of ``EVAL_BATCH``."""
    direction = model.check_direction(direction)
    codes = [model.style_codes(inputs.shape[0], seed) for seed in DIVERSITY_SEEDS]
    total = 0.0
    for start in range(0, inputs.shape[0], EVAL_BATCH):
        batch = inputs[start : start + EVAL_BATCH]
        a, b = (model.translate(batch, direction=direction, style=code[start : start + EVAL_BATCH]) for code in codes)
        total += (a - b).abs().sum().item()
    count = inputs.shape[0] * torch.Size(model.directions[direction][1]).numel()
    return round(total / max(count, 1), 5)
