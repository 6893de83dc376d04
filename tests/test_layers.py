"""The core's imports run one way, and no flavour imports another."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ZOO = ROOT / "zoo"
PLUGINS = ROOT / "plugins"

# Each layer may import its own and lower layers, never a higher one.
LAYERS = ["errors", "core", "hub", "models", "data", "evaluate", "train", "release", "demo", "cli"]
# Top-level modules that sit above every layer: the conformance kit and the
# aliases kept for one release of the old flat layout.
ABOVE_ALL = {"testing", "gan", "training", "autoencoders"}


def layer_of(module: str) -> int | None:
    """Rank of a ``zoo.*`` module, or None for the package itself."""
    parts = module.split(".")
    if parts[0] != "zoo" or len(parts) == 1:
        return None
    if parts[1] in ABOVE_ALL:
        return len(LAYERS)
    return LAYERS.index(parts[1])


def module_name(path: Path, root: Path, package: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([package, *parts])


def imported_modules(path: Path, name: str) -> set[str]:
    """Every module ``path`` imports, anywhere in the file, as absolute names."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from zoo.train import probe` imports zoo.train.probe
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def zoo_modules() -> list[tuple[str, Path]]:
    return sorted((module_name(path, ZOO, "zoo"), path) for path in ZOO.rglob("*.py"))


@pytest.mark.parametrize("name, path", zoo_modules(), ids=[name for name, _ in zoo_modules()])
def test_imports_point_down_the_layers(name: str, path: Path) -> None:
    rank = layer_of(name)
    if rank is None:
        return  # zoo/__init__.py: the public facade, lazy by design (tests/test_laziness.py)
    upward = sorted(
        target
        for target in imported_modules(path, name)
        if target.startswith("zoo.") and (layer_of(target) or 0) > rank
        and target.split(".")[1] in LAYERS + sorted(ABOVE_ALL)
    )
    assert not upward, f"{name} (layer {LAYERS[min(rank, len(LAYERS) - 1)]}) imports upward: {upward}"


def test_every_core_package_is_a_layer() -> None:
    packages = {path.parent.name for path in ZOO.glob("*/__init__.py")}
    assert packages <= set(LAYERS), f"packages outside the layer list: {sorted(packages - set(LAYERS))}"


def flavour_files() -> list[tuple[str, Path]]:
    return sorted(
        (path.relative_to(PLUGINS).parts[0], path)
        for path in PLUGINS.glob("*/**/*.py")
        if path.relative_to(PLUGINS).parts[0] != "hub"
    )


@pytest.mark.parametrize("flavour, path", flavour_files(), ids=[str(p.relative_to(PLUGINS)) for _, p in flavour_files()])
def test_no_flavour_imports_another(flavour: str, path: Path) -> None:
    name = module_name(path, PLUGINS, "zoo_plugins")
    others = sorted(
        target
        for target in imported_modules(path, name)
        if target.startswith("zoo_plugins.") and target.split(".")[1] != flavour
    )
    assert not others, f"{path.relative_to(ROOT)} imports other flavours: {others}"


def test_no_flavour_names_another_in_its_specs() -> None:
    """A built-in spec's build and recipe are its own flavour's or the core's, so that any
    flavour folder can be removed alone."""
    from zoo.core.registry import get_registry

    registry = get_registry()
    foreign = {
        name: target
        for name in registry.names()
        for target in (registry.get(name).build, registry.get(name).recipe)
        if target and target.startswith("zoo_plugins.") and target.split(".")[1] != registry.get(name).plugin
    }
    assert not foreign, f"specs that name other flavours' modules: {foreign}"


@pytest.mark.parametrize("gone", ["zoo.gan", "zoo.training", "zoo.autoencoders"])
def test_unreleased_aliases_are_gone(gone: str) -> None:
    import importlib

    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(gone)
