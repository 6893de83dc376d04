"""What the demo can do with each model, and the calls that do it.

The one place that knows how models expose their abilities: the spec says
what a model is (family, conditional, latent size), the model's public API
samples, reconstructs and translates. A GAN's latent walk goes through the
per-image noise streams its ``generate`` draws from (:class:`LatentWalk`),
since GANs have no public ``decode``. When models declare capabilities
(``zoo.models.capabilities``), this module is what changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from zoo.core.registry import get_dataset
from zoo.core.spec import ModelSpec
from zoo.errors import ZooError

PAD_SHAPE = (1, 28, 28)  # the drawing pads are 28x28 grey images
SAMPLING_FAMILIES = ("gan", "autoencoder", "translation", "autoregressive")
LATENT_FAMILIES = ("gan", "autoencoder")


@dataclass(frozen=True)
class Abilities:
    """What the demo offers for one model; ``classes`` is 0 unless it takes labels."""

    sample: bool
    classes: int
    interpolate: bool
    translate: bool
    reconstruct: bool

    def as_json(self) -> dict[str, Any]:
        return {"sample": self.sample, "classes": self.classes, "interpolate": self.interpolate,
                "translate": self.translate, "reconstruct": self.reconstruct}


def abilities(spec: ModelSpec) -> Abilities:
    """The demo's view of a model, from its spec alone (nothing is loaded)."""
    usable = spec.pins is not None and spec.family in SAMPLING_FAMILIES
    return Abilities(
        sample=usable,
        classes=dataset_classes(spec.dataset) if usable and spec.conditional else 0,
        interpolate=usable and spec.family in LATENT_FAMILIES,
        translate=usable and spec.family == "translation",
        reconstruct=usable and spec.family == "autoencoder" and tuple(spec.image_shape) == PAD_SHAPE,
    )


def dataset_classes(name: str) -> int:
    """How many classes the dataset has (10 when it is not registered)."""
    try:
        return get_dataset(name).classes
    except ZooError:
        return 10


def conditioning(classes: int, label: int | None, count: int) -> dict[str, Any]:
    """``labels=`` for a conditional model (None: drawn from the seed), nothing otherwise."""
    return {"labels": [label] * count} if classes and label is not None else {}


def sample(model: Any, n: int, seed: int, classes: int, label: int | None) -> torch.Tensor:
    """``n`` images drawn with ``seed``, all of class ``label`` when given."""
    return model.sample(n, seed=seed, **conditioning(classes, label, n))


def interpolate(model: Any, spec: ModelSpec, seeds: tuple[int, int], steps: int, classes: int, label: int | None) -> tuple[torch.Tensor, bool]:
    """``steps`` images on the latent path from the image of seed ``a`` to that of seed ``b``, and
    whether a discrete part of the latent (a class or cluster drawn from the seeds) switches half way."""
    with torch.inference_mode():
        if spec.family == "autoencoder":
            codes = torch.cat([model.prior_codes(1, seed=seed) for seed in seeds])
            if classes and label is None:
                label = 0
            return model.interpolate_codes(codes[0], codes[1], steps, **conditioning(classes, label, 2)).float(), False
        walk = LatentWalk(*seeds, steps)
        return walk.images(model, **conditioning(classes, label, steps)), walk.switches


def translate(model: Any, image: torch.Tensor) -> torch.Tensor:
    """The model's translation of one pad image ``(1, 1, 28, 28)`` (its default direction)."""
    with torch.inference_mode():
        return model.translate(image.to(model.device, model.dtype)).float()


def reconstruct(model: Any, image: torch.Tensor, classes: int, label: int | None) -> torch.Tensor:
    """An autoencoder's reconstruction of one pad image ``(1, 1, 28, 28)``."""
    with torch.inference_mode():
        return model.reconstruct(image.to(model.device, model.dtype), **conditioning(classes, label or 0, 1)).float()


class LatentWalk:
    """The latent path of a GAN from the image of seed ``a`` to that of seed ``b``.

    It hands a model's ``split_conditioning`` and ``generate`` stand-ins for
    the per-image noise streams of ``zoo.models.noise`` (:class:`WalkNoise`),
    so the ends are exactly the images ``sample(1, seed=a)`` and
    ``sample(1, seed=b)`` give.
    """

    def __init__(self, seed_a: int, seed_b: int, steps: int) -> None:
        self.seeds = (seed_a, seed_b)
        self.t = torch.linspace(0.0, 1.0, steps)
        self.streams: list[WalkNoise] = []

    @property
    def switches(self) -> bool:
        """Whether a discrete draw (a class, a cluster) differed between the ends."""
        return any(noise.switches for noise in self.streams)

    def images(self, model: Any, **conditioning: Any) -> torch.Tensor:
        """The model's images along the path, in ``[0, 1]``."""
        from zoo.models.noise import CONDITIONING, GENERATION

        per_image = model.split_conditioning(len(self.t), self.noise(CONDITIONING), **conditioning)
        return model.generate(self.noise(GENERATION), **per_image).float().clamp(0.0, 1.0)

    def noise(self, stream: int) -> "WalkNoise":
        from zoo.models.noise import SampleNoise

        ends = [SampleNoise.seeded(seed, 1, stream) for seed in self.seeds]
        self.streams.append(WalkNoise(ends[0], ends[1], self.t))
        return self.streams[-1]


class WalkNoise:
    """Draws along a path between two single-image noise streams, one row per ``t``.

    Gaussian draws follow the great circle between the two ends' draws
    (spherical interpolation, as GAN papers walk their latent spaces), uniform
    draws the straight line, and discrete draws (a cluster, a label) come
    from the nearer end.
    """

    def __init__(self, a: Any, b: Any, t: torch.Tensor) -> None:
        self.a, self.b, self.t = a, b, t
        self.switches = False

    def __len__(self) -> int:
        return len(self.t)

    def normal(self, *shape: int) -> torch.Tensor:
        return slerp(self.a.normal(*shape), self.b.normal(*shape), self.t)

    def uniform(self, *shape: int) -> torch.Tensor:
        a, b = self.a.uniform(*shape), self.b.uniform(*shape)
        return torch.lerp(a, b, self.t.reshape(-1, *[1] * len(shape)))

    def integers(self, high: int, *shape: int) -> torch.Tensor:
        return self._nearer(self.a.integers(high, *shape), self.b.integers(high, *shape))

    def choice(self, weights: torch.Tensor) -> torch.Tensor:
        return self._nearer(self.a.choice(weights), self.b.choice(weights))

    def _nearer(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        self.switches = self.switches or not torch.equal(a, b)
        near_b = (self.t >= 0.5).reshape(-1, *[1] * (a.dim() - 1))
        return torch.where(near_b, b, a)


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Rows on the great circle from ``a`` to ``b`` (each ``(1, ...)``), one per ``t``."""
    flat_a, flat_b = a.reshape(-1).double(), b.reshape(-1).double()
    cos = torch.dot(flat_a, flat_b) / (flat_a.norm() * flat_b.norm()).clamp(min=1e-12)
    omega = torch.arccos(cos.clamp(-1.0, 1.0))
    t = t.double().reshape(-1, 1)
    if omega.abs() < 1e-6:
        rows = torch.lerp(flat_a, flat_b, t)
    else:
        rows = (torch.sin((1 - t) * omega) * flat_a + torch.sin(t * omega) * flat_b) / torch.sin(omega)
    return rows.reshape(-1, *a.shape[1:]).to(a.dtype)
