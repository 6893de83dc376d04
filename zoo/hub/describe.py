"""A model's spec as a plain dict, for ``zoo.info`` and ``zoo info``."""
from __future__ import annotations

from typing import Any

from zoo.core.registry import get_spec


def describe(name: str) -> dict[str, Any]:
    spec = get_spec(name)
    from zoo.hub.load import instantiate

    model = instantiate(spec)
    return {
        "name": spec.name,
        "family": spec.family,
        "summary": spec.summary,
        "plugin": spec.plugin,
        "paper": spec.paper,
        "dataset": spec.dataset,
        "image_shape": list(spec.image_shape),
        "latent_dim": spec.latent_dim,
        "conditional": spec.conditional,
        "parameters": sum(p.numel() for p in model.parameters()),
        "licence": spec.licence,
        "config": dict(spec.config),
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
