"""What the demo can do with each model, and the calls that do it.

The one place that knows how models expose their abilities: what a model
can do is what its classes declare (``zoo.models.capabilities``); its public
API samples, reconstructs, translates (``translate``, ``sample_inputs``) and
walks latent spaces (``zoo.models.latent``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from zoo.core.spec import ModelSpec

PAD_SHAPE = (1, 28, 28)  # the drawing pads are 28x28 grey images


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
    """The demo's view of a model: the capabilities its classes declare (``zoo.models.capabilities``),
    read from its architecture built with random weights (no weight file is read)."""
    if spec.pins is None:
        return Abilities(sample=False, classes=0, interpolate=False, translate=False, reconstruct=False)
    from zoo.hub.load import instantiate
    from zoo.models.capabilities import Capability, capabilities

    model = instantiate(spec)
    declared = capabilities(model)
    return Abilities(
        sample=Capability.SAMPLE in declared,
        classes=model.num_classes if Capability.LABELS in declared else 0,
        interpolate=Capability.LATENT_WALK in declared,
        translate=Capability.TRANSLATE in declared and tuple(model.input_shape) == PAD_SHAPE,
        reconstruct=Capability.CODES in declared and tuple(model.image_shape) == PAD_SHAPE,
    )


def conditioning(classes: int, label: int | None, count: int) -> dict[str, Any]:
    """``labels=`` for a conditional model (None: drawn from the seed), nothing otherwise."""
    return {"labels": [label] * count} if classes and label is not None else {}


def sample(model: Any, n: int, seed: int, classes: int, label: int | None) -> torch.Tensor:
    """``n`` images drawn with ``seed``, all of class ``label`` when given."""
    return model.sample(n, seed=seed, **conditioning(classes, label, n))


def interpolate(model: Any, seeds: tuple[int, int], steps: int, classes: int, label: int | None) -> tuple[torch.Tensor, str]:
    """``steps`` images on the latent path from seed ``a``'s code to seed ``b``'s (``zoo.models.latent``),
    and what is held along it besides a label: what seed ``a``'s sample draws beside its code
    (a self-conditioned GAN's cluster, InfoGAN's codes), in words, or ``""``."""
    from zoo.models.latent import latent_path

    codes = torch.cat([model.latent_codes(1, seed=seed) for seed in seeds])
    path = latent_path(codes[0], codes[1], steps, spherical=model.gaussian_latents)
    drawn = {} if classes else model.latent_conditioning(1, seed=seeds[0])
    held = {"labels": [0 if label is None else label] * steps} if classes else _repeated(drawn, steps)
    with torch.inference_mode():
        return model.from_latent_codes(path, **held).float(), _words(drawn)


def _repeated(drawn: Any, steps: int) -> Any:
    """Every tensor in ``drawn`` (nested in dicts), of one image, repeated ``steps`` times."""
    if isinstance(drawn, dict):
        return {key: _repeated(value, steps) for key, value in drawn.items()}
    return drawn.expand(steps, *drawn.shape[1:])


def _words(drawn: dict[str, Any]) -> str:
    """What one image drew, such as ``cluster 3`` (an unconditional model's labels are clusters) or
    ``categorical 7, continuous -0.42 0.13``."""
    parts = []
    for key, value in drawn.items():
        if isinstance(value, dict):
            parts.append(_words(value))
            continue
        numbers = " ".join(f"{x:.2f}" if isinstance(x, float) else str(x) for x in value.reshape(-1).tolist())
        parts.append(f"{'cluster' if key == 'labels' else key} {numbers}")
    return ", ".join(parts)


def example_input(model: Any, seed: int) -> torch.Tensor:
    """One of the example inputs stored with a translation model's weights, ``(1, 28, 28)``."""
    return model.sample_inputs(1, seed=seed)[0].float().cpu()


def translate(model: Any, image: torch.Tensor) -> torch.Tensor:
    """The model's translation of one pad image ``(1, 1, 28, 28)`` (its default direction)."""
    with torch.inference_mode():
        return model.translate(image.to(model.device, model.dtype)).float()


def reconstruct(model: Any, image: torch.Tensor, classes: int, label: int | None) -> torch.Tensor:
    """An autoencoder's reconstruction of one pad image ``(1, 1, 28, 28)``."""
    with torch.inference_mode():
        return model.reconstruct(image.to(model.device, model.dtype), **conditioning(classes, label or 0, 1)).float()
