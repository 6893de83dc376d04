"""A model's spec, architecture and pins as a plain dict, for ``zoo.info`` and ``zoo info``."""
from __future__ import annotations

from typing import Any

from torch import nn

from zoo.core.registry import get_spec
from zoo.core.spec import ModelSpec
from zoo.hub.load import instantiate, pinned_config
from zoo.models.architecture import architecture


def describe(name: str) -> dict[str, Any]:
    """Architecture facts come from the pinned config.json when it is here already (verified), else from
    the spec's config: describing a model never downloads."""
    spec = get_spec(name)
    config = pinned_config(spec, local_only=True) or dict(spec.config)
    return {
        **model_facts(spec, instantiate(spec, config)),
        "config": config,
        "pretrained": None
        if spec.pins is None
        else {
            "repo": spec.pins.repo,
            "revision": spec.pins.revision,
            "files": dict(spec.pins.files),
        },
        "metrics": dict(spec.metrics),
        "training": dict(spec.training),
        "bench": dict(spec.bench),
    }


def model_facts(spec: ModelSpec, model: nn.Module) -> dict[str, Any]:
    """What ``spec`` says of the model and what the built ``model``'s architecture is."""
    built = architecture(model)
    return {
        "name": spec.name,
        "family": spec.family,
        "summary": spec.summary,
        "plugin": spec.plugin,
        "paper": spec.paper,
        "dataset": spec.dataset,
        "image_shape": list(built.image_shape),
        "latent_dim": built.latent_dim,
        "conditional": built.conditional,
        "parameters": sum(p.numel() for p in model.parameters()),
        "licence": spec.licence,
    }
