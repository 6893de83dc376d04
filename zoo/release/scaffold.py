"""``zoo new-plugin``: write a standalone, pip-installable plugin package."""
from __future__ import annotations

import re
import shutil
import warnings
from collections import Counter
from importlib import resources
from pathlib import Path
from string import Template

from zoo.core import entry_points
from zoo.core.plugins import PluginWarning
from zoo.core.registry import Registry, get_registry
from zoo.errors import ZooError

NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
MAX_NAME = 40
SIDE_MULTIPLE = 4  # the scaffold's GAN doubles a (side / 4)-pixel map twice

# output path (with {name}/{module} filled in) -> template file in zoo/release/templates/plugin
LAYOUT = {
    "pyproject.toml": "pyproject.toml.tmpl",
    "README.md": "README.md.tmpl",
    "{module}/__init__.py": "__init__.py.tmpl",
    "{module}/model.py": "model.py.tmpl",
    "{module}/recipe.py": "recipe.py.tmpl",
    "tests/test_{module_suffix}.py": "test_plugin.py.tmpl",
}


class ScaffoldError(ZooError, ValueError):
    """The plugin cannot be created under that name or in that place."""


def check_name(name: str) -> None:
    """A plugin name: lowercase letters and digits, words joined by '-' or '_'."""
    if not isinstance(name, str) or not NAME.fullmatch(name) or len(name) > MAX_NAME:
        raise ScaffoldError(
            f"invalid plugin name {name!r}: use lowercase letters and digits, starting with a letter, "
            f"words joined by '-' or '_' (at most {MAX_NAME} characters), e.g. 'wgan' or 'my-gan'"
        )


def check_suffix(name: str, dataset: str) -> None:
    """The model is called NAME-DATASET: a plugin name that ends with the dataset would say it twice."""
    if name.endswith(("-" + dataset, "_" + dataset)):
        raise ScaffoldError(
            f"invalid plugin name {name!r}: the model is named NAME-{dataset} already; "
            f"name the plugin {name[: -len(dataset) - 1]!r}"
        )


def _registry() -> Registry:
    """The registry, without warning about broken plugins (``zoo plugins`` lists those)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        return get_registry()


def default_dataset() -> str:
    """The dataset that most pretrained models are trained on, among those whose evaluation
    network is installed with its weights (ties: the first by name)."""
    registry = _registry()
    judged = [
        name for name in registry.dataset_names()
        if (evaluator := registry.datasets[name].evaluator) is not None
        and evaluator in registry.specs and registry.pinned(evaluator) is not None
    ]
    if not judged:
        known = ", ".join(registry.dataset_names()) or "none"
        raise ScaffoldError(
            f"no registered dataset has its evaluation network installed with weights; choose the dataset "
            f"with --dataset (registered: {known})"
        )
    pretrained = Counter(
        spec.dataset for spec in registry.specs.values() if spec.pins is not None and spec.family != "classifier"
    )
    return max(judged, key=lambda name: pretrained[name])


def dataset_shape(dataset: str) -> tuple[int, int]:
    """Channels and side of the dataset's images, which the scaffold's GAN must be able to make."""
    try:
        channels, height, width = _registry().dataset(dataset).image_shape
    except ZooError as exc:
        raise ScaffoldError(f"cannot create a plugin for dataset {dataset!r}: {exc}") from None
    if height != width or height % SIDE_MULTIPLE:
        raise ScaffoldError(
            f"dataset {dataset!r} has {height}x{width} images; the scaffold's GAN makes square images whose "
            f"side is a multiple of {SIDE_MULTIPLE}: choose another --dataset"
        )
    return channels, height


def _taken(values: dict[str, str]) -> str | None:
    """Why one of the names the plugin would create is already in use, if one is."""
    import importlib.util

    name, model, module, dist = values["name"], values["model"], values["module"], values["dist"]
    registry = _registry()
    plugins = registry.plugins.plugins
    if name in plugins:
        return f"a plugin named {name!r} is already installed (from {plugins[name].distribution})"
    if model in registry.specs or model in registry.collisions:
        return f"a model named {model!r} already exists"
    if entry_points.version(dist) is not None:
        return f"a distribution named {dist!r} is already installed"
    if importlib.util.find_spec(module) is not None:
        return f"a module named {module!r} can already be imported"
    return None


def _zoo_requirement() -> str:
    installed = entry_points.version("generative-zoo")
    return f"generative-zoo>={installed}" if installed else "generative-zoo"


def substitutions(name: str, dataset: str | None = None) -> dict[str, str]:
    """The names a plugin called ``name`` uses for its package, distribution, model, classes and dataset.

    ``dataset`` defaults to :func:`default_dataset`.
    """
    dataset = dataset or default_dataset()
    channels, side = dataset_shape(dataset)
    suffix = name.replace("-", "_")
    return {
        "name": name,
        "module": f"zoo_{suffix}",
        "module_suffix": suffix,
        "dist": f"zoo-{name}",
        "model": f"{name}-{dataset}",
        "cls": "".join(part.capitalize() for part in re.split(r"[-_]", name)),
        "zoo_requirement": _zoo_requirement(),
        "dataset": dataset,
        "channels": str(channels),
        "side": str(side),
    }


def new_plugin(name: str, parent: str | Path = ".", dataset: str | None = None) -> Path:
    """Create ``parent/zoo-NAME`` holding a working GAN plugin called NAME; returns the folder.

    Its model is called NAME-DATASET and trains on ``dataset`` (default: :func:`default_dataset`).
    """
    check_name(name)
    values = substitutions(name, dataset)
    check_suffix(name, values["dataset"])
    target = Path(parent) / values["dist"]
    if target.exists():
        raise ScaffoldError(f"{target} already exists; choose another name or --dir")
    reason = _taken(values)
    if reason:
        raise ScaffoldError(f"cannot create plugin {name!r}: {reason}; choose another name")
    target.mkdir(parents=True)
    try:
        templates = resources.files("zoo.release") / "templates" / "plugin"
        for out, template in LAYOUT.items():
            path = target / out.format(**values)
            path.parent.mkdir(parents=True, exist_ok=True)
            text = Template((templates / template).read_text(encoding="utf-8")).substitute(values)
            path.write_text(text, encoding="utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target
