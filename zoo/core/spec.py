"""What a model is: its spec (metadata, builder, recipe) and its pinned hub files."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from zoo.core.naming import model_name_problem

FAMILIES = ("gan", "autoencoder", "translation", "autoregressive", "classifier")


@dataclass(frozen=True)
class PinnedFiles:
    """Where a model's pretrained files live on a hub, pinned by sha256."""

    repo: str
    revision: str
    files: Mapping[str, str]  # file name -> sha256 (hex)
    weights: str = "model.safetensors"

    @property
    def weights_sha256(self) -> str:
        return self.files[self.weights]


@dataclass(frozen=True)
class ModelSpec:
    """Everything the zoo knows about one model name.

    ``build`` and ``recipe`` are ``"module:attribute"`` strings so that
    registering a model never imports torch; they are resolved on first use.
    """

    name: str
    family: str
    build: str
    summary: str = ""
    paper: str = ""
    dataset: str = ""
    image_shape: tuple[int, int, int] = (1, 28, 28)
    latent_dim: int | None = None
    licence: str = ""
    config: Mapping[str, Any] = field(default_factory=dict)
    recipe: str | None = None
    conditional: bool = False
    pins: PinnedFiles | None = None
    metrics: Mapping[str, Any] = field(default_factory=dict)
    training: Mapping[str, Any] = field(default_factory=dict)
    bench: Mapping[str, Any] = field(default_factory=dict)  # from `zoo bench --record`
    plugin: str = ""

    def __post_init__(self) -> None:
        problem = model_name_problem(self.name)
        if problem:
            raise ValueError(f"model spec name {problem}")
        if self.family not in FAMILIES:
            raise ValueError(
                f"model {self.name!r}: family {self.family!r} is not one of {', '.join(FAMILIES)}"
            )
        for attr in ("build", "recipe"):
            target = getattr(self, attr)
            if target is not None and ":" not in target:
                raise ValueError(
                    f"model {self.name!r}: {attr} must look like 'package.module:attribute', got {target!r}"
                )

    def with_updates(self, **changes: Any) -> "ModelSpec":
        return replace(self, **changes)

    def builder(self) -> Any:
        """Import and return the architecture's builder (a class or factory)."""
        return import_target(self.build)

    def recipe_class(self) -> Any:
        if self.recipe is None:
            raise ValueError(f"model {self.name!r} has no training recipe")
        return import_target(self.recipe)


def import_target(target: str) -> Any:
    """Resolve ``"package.module:attr"`` to the attribute."""
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ImportError(f"{module_name!r} has no attribute {attr!r} (from {target!r})") from None
