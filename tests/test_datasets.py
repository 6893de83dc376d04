"""Datasets are registered by plugins through ``register_datasets``, like models; ``zoo/`` names none."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

import zoo
import zoo.core.registry
from conftest import REPO_ROOT
from test_plugins import Site, site  # noqa: F401 - site is a fixture
from zoo.core.plugins import PluginWarning
from zoo.core.registry import evaluator_for, get_dataset, list_datasets
from zoo.core.spec import DatasetSpec
from zoo.data.datasets import load_dataset

BUILTIN_DATASETS = ["crosses", "fashion-mnist", "mnist"]


def dataset_plugin(name: str, loader: str = "dots_data:load", shape: tuple[int, int, int] = (3, 8, 8)) -> str:
    """A plugin module that registers one dataset whose loader lives in another module."""
    return textwrap.dedent(f"""
        from zoo import DatasetSpec, hookimpl

        @hookimpl
        def register_datasets(register):
            register(DatasetSpec(name={name!r}, load={loader!r}, image_shape={shape!r}, classes=2,
                                 evaluator=None, summary="dots"))
        """)


DOTS_LOADER = """
import torch
from zoo.data.datasets import ImageData

calls = []

def load(root, train):
    calls.append((root, train))
    n = 6 if train else 4
    return ImageData(torch.full((n, 3, 8, 8), 0.5), torch.arange(n) % 2)

def wrong_shape(root, train):
    return ImageData(torch.zeros(2, 1, 8, 8), torch.zeros(2, dtype=torch.long))
"""


@pytest.fixture
def dots(site: Site) -> Site:  # noqa: F811
    """A site whose ``dots_data`` module holds the dataset loaders."""
    (site.root / "dots_data.py").write_text(DOTS_LOADER, encoding="utf-8")
    site.modules.append("dots_data")
    return site


def test_the_built_in_plugins_register_the_built_in_datasets() -> None:
    assert list_datasets() == BUILTIN_DATASETS
    assert (get_dataset("mnist").image_shape, get_dataset("mnist").classes) == ((1, 28, 28), 10)
    assert evaluator_for("mnist") == "mnist-classifier"
    assert evaluator_for("fashion-mnist") == "fashion-mnist-classifier"
    assert evaluator_for("crosses") is None and get_dataset("crosses").classes == 0
    assert evaluator_for("images:holiday") is None  # a folder of images has no evaluation network
    plugins = zoo.core.registry.get_registry().plugins.plugins
    assert [plugins[name].datasets for name in ("crosses", "fashion_mnist", "mnist")] == [[d] for d in BUILTIN_DATASETS]


def test_a_plugin_registers_a_dataset_that_load_dataset_loads(dots: Site, tmp_path: Path) -> None:
    dots.add_plugin("dots", dataset_plugin("dots"), dist="dots-zoo")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        assert "dots" in list_datasets()
    assert "dots_data" not in sys.modules, "registering a dataset must not import its loader"
    train, test = load_dataset("dots", tmp_path), load_dataset("dots", train=False)
    assert tuple(train.images.shape) == (6, 3, 8, 8) and len(test) == 4
    assert sys.modules["dots_data"].calls == [(tmp_path, True), (None, False)]
    assert zoo.core.registry.get_registry().plugins.plugins["dots"].datasets == ["dots"]


def test_a_loader_that_gives_other_images_than_registered_is_refused(dots: Site) -> None:
    dots.add_plugin("dots", dataset_plugin("dots", loader="dots_data:wrong_shape"))
    with pytest.raises(zoo.ZooError, match=r"dataset 'dots': its loader dots_data:wrong_shape gave images of shape "
                                           r"\(2, 1, 8, 8\), not an ImageData of images \(N, 3, 8, 8\)"):
        load_dataset("dots")


def test_two_plugins_registering_one_dataset_name_is_an_error_naming_both(dots: Site) -> None:
    dots.add_plugin("dots", dataset_plugin("mnist"), dist="dots-zoo")
    with pytest.warns(PluginWarning, match="dataset name 'mnist' is registered by both plugins 'mnist' and 'dots'"):
        list_datasets()
    with pytest.raises(zoo.DatasetNameCollision, match="both plugins 'mnist' and 'dots'.*ZOO_DISABLE_PLUGINS"):
        get_dataset("mnist")
    with pytest.raises(zoo.DatasetNameCollision):
        load_dataset("mnist")
    assert "mnist" not in list_datasets()


def test_a_dataset_name_clash_is_fatal_in_strict_mode(dots: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    dots.add_plugin("dots", dataset_plugin("crosses"))
    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    clash = "dataset name 'crosses' is registered by both plugins 'crosses' and 'dots'"
    with pytest.raises(zoo.PluginError, match=clash):
        list_datasets()


def test_a_plugin_whose_dataset_hook_raises_registers_nothing(dots: Site) -> None:
    source = textwrap.dedent("""
        from zoo import ModelSpec, hookimpl

        @hookimpl
        def register_models(register):
            register(ModelSpec(name="halfway-gan", family="gan", build="x.y:Z"))

        @hookimpl
        def register_datasets(register):
            raise RuntimeError("no data today")
        """)
    dots.add_plugin("halfway", source)
    with pytest.warns(PluginWarning, match="'halfway'.*register_datasets raised RuntimeError: no data today"):
        names = zoo.list_models()
    assert "halfway-gan" not in names and "dcgan-mnist" in names


def test_an_unknown_dataset_is_refused_listing_the_registered_ones() -> None:
    with pytest.raises(zoo.UnknownDatasetError,
                       match="unknown dataset 'cifar10'; the registered datasets are crosses, fashion-mnist, mnist"):
        load_dataset("cifar10")


@pytest.mark.parametrize(("changes", "error"), [
    ({"name": "My Data"}, "dataset spec name 'My Data' may hold only lowercase letters"),
    ({"load": "no_colon"}, "load must look like 'package.module:function'"),
    ({"image_shape": (28, 28)}, r"image_shape must be a tuple \(C, H, W\) of positive ints"),
    ({"classes": -1}, "classes must be a whole number >= 0"),
])
def test_a_malformed_dataset_spec_is_refused(changes: dict, error: str) -> None:
    fields = {"name": "dots", "load": "dots_data:load", "image_shape": (1, 8, 8), "classes": 0, "evaluator": None}
    with pytest.raises(ValueError, match=error):
        DatasetSpec(**{**fields, **changes})


def test_registering_datasets_imports_no_torch() -> None:
    code = "import sys, zoo.core.registry as r; r.list_datasets(); print(sorted(m for m in sys.modules if 'torch' in m))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


# --- zoo/ names no dataset ---------------------------------------------------------


DATASET_WORDS = re.compile(r"mnist|fashion|crosses", re.IGNORECASE)


def core_files() -> list[Path]:
    zoo_dir = REPO_ROOT / "zoo"
    return sorted([*zoo_dir.rglob("*.py"), *(zoo_dir / "release" / "templates").rglob("*.tmpl")])


def test_no_module_under_zoo_names_a_built_in_dataset() -> None:
    pattern = DATASET_WORDS
    assert all(pattern.search(name) for name in list_datasets())
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
        for path in core_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "zoo/ names datasets (they belong to the plugins that register them):\n" + "\n".join(found)
