"""What a model is (its spec: metadata, builder, recipe; its pinned hub files) and what a dataset is."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from zoo.core.naming import model_name_problem

FAMILIES = ("gan", "autoencoder", "translation", "autoregressive", "diffusion", "flow", "classifier")


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

    The architecture's facts (image shape, latent size, conditioning) are not
    repeated here: they follow from ``config`` (``zoo.models.architecture``).
    ``build`` and ``recipe`` are ``"module:attribute"`` strings so that
    registering a model never imports torch; they are resolved on first use.
    """

    name: str
    family: str
    build: str
    summary: str = ""
    paper: str = ""
    dataset: str = ""
    licence: str = ""
    config: Mapping[str, Any] = field(default_factory=dict)
    recipe: str | None = None
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


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset a plugin registers: where its loader is, its images, classes and evaluation network.

    ``load`` is a ``"module:function"`` string, resolved on first use like
    ``ModelSpec.build``, so that registering never imports torch. The function
    is ``load(root: Path | None, train: bool) -> zoo.data.datasets.ImageData``.
    ``evaluator`` names the registered model (a classifier) that judges samples
    of this dataset, or is None when it has none.
    """

    name: str
    load: str
    image_shape: tuple[int, int, int]
    classes: int
    evaluator: str | None
    summary: str = ""

    def __post_init__(self) -> None:
        problem = model_name_problem(self.name)
        if problem:
            raise ValueError(f"dataset spec name {problem}")
        if not isinstance(self.load, str) or ":" not in self.load:
            raise ValueError(
                f"dataset {self.name!r}: load must look like 'package.module:function', got {self.load!r}"
            )
        shape = self.image_shape
        if not (isinstance(shape, tuple) and len(shape) == 3 and all(_positive_int(d) for d in shape)):
            raise ValueError(
                f"dataset {self.name!r}: image_shape must be a tuple (C, H, W) of positive ints, got {shape!r}"
            )
        if not (_positive_int(self.classes) or self.classes == 0):
            raise ValueError(
                f"dataset {self.name!r}: classes must be a whole number >= 0 (0: unlabelled), got {self.classes!r}"
            )
        if self.evaluator is not None and model_name_problem(self.evaluator):
            raise ValueError(f"dataset {self.name!r}: evaluator {model_name_problem(self.evaluator)}")

    def loader(self) -> Any:
        """Import and return the dataset's load function."""
        return import_target(self.load)


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def import_target(target: str) -> Any:
    """Resolve ``"package.module:attr"`` to the attribute."""
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ImportError(f"{module_name!r} has no attribute {attr!r} (from {target!r})") from None
