"""What a model can do, declared by its classes rather than guessed from its attributes.

A class lists what it adds in ``provides``; :func:`capabilities` gathers them
over the class hierarchy, so a subclass keeps its bases' capabilities::

    class Autoencoder(GenerativeModel):
        provides = (Capability.CODES, Capability.LATENT_WALK)
"""
from __future__ import annotations

from enum import Enum
from typing import Any


class Capability(str, Enum):
    """One thing a model offers, and the methods that come with it."""

    SAMPLE = "sample"  # sample(n, seed=, batch_size=, device=)
    LABELS = "labels"  # sample(n, labels=): class-conditional
    CODES = "codes"  # encode, decode, reconstruct, interpolate (autoencoders)
    LATENT_WALK = "latent-walk"  # latent_codes(n, seed=), from_latent_codes(z)
    LIKELIHOOD = "likelihood"  # log_likelihood(x) in nats per binary image
    BITS_PER_DIM = "bits-per-dim"  # bits_per_dim(x, seed=), log_likelihood(x, seed=) of dequantised 8-bit images (flows)
    STEPS = "steps"  # sample(n, steps=): an iterative sampler (diffusion, flow matching) of a chosen number of steps
    TRANSLATE = "translate"  # inputs_from(images), translate(inputs)
    CLASSIFY = "classify"  # forward(x) -> class logits (an evaluation network)


def capabilities(model: Any) -> frozenset[Capability]:
    """Everything the classes of ``model`` (a model, or a model class) declare in their ``provides``."""
    kind = model if isinstance(model, type) else type(model)
    return frozenset(capability for cls in kind.__mro__ for capability in vars(cls).get("provides", ()))


def can(model: Any, capability: Capability) -> bool:
    """Whether ``model`` declares ``capability``."""
    return capability in capabilities(model)
