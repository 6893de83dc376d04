"""A dataset costs only a plugin: the toy shapes, judged by their own evaluation network, without MNIST.

``tests/toy_shapes`` is installed the way a user installs a plugin (a
distribution on ``sys.path`` whose ``zoo`` entry point is its package, with a
``pyproject.toml`` for ``zoo export --into``) and is the only plugin loaded.
Its evaluation network and its DCGAN are trained with ``zoo train``, exported
into the plugin's own ``hub/`` and ``registry.toml`` with ``zoo export --into``
(pinned by sha256) and found from there, as the built-in weights are. The
conformance kit, the per-epoch probe and ``zoo bench --dataset shapes`` then
run on them; the MNIST plugins are not loaded, and a watch on every file the
process opens and every module it imports checks that nothing of MNIST is read.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import sys
from pathlib import Path
from typing import Iterator

import pytest

import zoo
import zoo.core.registry
from conftest import REPO_ROOT
from zoo import testing
from zoo.cli import main
from zoo.core.catalog import read_catalog
from zoo.core.registry import evaluator_for, get_registry, get_spec, list_datasets
from zoo.evaluate.quality import class_stats, classify
from zoo.hub.resolve import sha256_of
from zoo.train.probe import SAMPLES as PROBE_SAMPLES
from zoo.train.probe import SEED as PROBE_SEED

pytestmark = pytest.mark.usefixtures("one_torch_thread")

PLUGIN_SOURCE = Path(__file__).parent / "toy_shapes"
PACKAGE = "toy_shapes"
DATASET, EVALUATOR, GENERATOR = "shapes", "shapes-classifier", "dcgan-shapes"
OWNER = "toy-shapes"  # the hub owner zoo export derives from the distribution's name
PYPROJECT = f"""\
[project]
name = "{OWNER}"
version = "1.0"

[project.entry-points.zoo]
shapes = "{PACKAGE}"
"""
SAMPLES = 300  # per bench row: the toy shapes have 600 training and 300 test images


# --- watching what the process opens and imports ----------------------------------


class Watch:
    """Every file the process opens and every module it imports while ``watching`` (an audit hook)."""

    def __init__(self) -> None:
        self.watching = False
        self.opened: list[str] = []
        self.imported: list[str] = []
        sys.addaudithook(self._hear)

    def _hear(self, event: str, args: tuple) -> None:
        if not self.watching:
            return
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            self.opened.append(os.fsdecode(args[0]))
        elif event == "import":
            self.imported.append(args[0])

    def of_mnist(self) -> list[str]:
        """What was read or imported of MNIST: data in torchvision's layout, the built-in weights, and the
        built-in plugins (MNIST, Fashion-MNIST and their classifier among them) or their catalog."""
        return sorted({*filter(of_mnist, self.opened), *(m for m in self.imported if m.startswith("zoo_plugins."))})


def of_mnist(path: str) -> bool:
    """Whether a file is MNIST data, built-in weights, or a built-in plugin's (all but the package's __init__)."""
    if "MNIST" in path or Path(path).is_relative_to(REPO_ROOT / "hub"):
        return True
    builtin = REPO_ROOT / "plugins"
    return Path(path).is_relative_to(builtin) and Path(path).relative_to(builtin).parts[0] not in (
        "__init__.py", "__pycache__"
    )


WATCH = Watch()


def forget_plugin_modules() -> None:
    for module in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[module]


def install(project: Path) -> None:
    """A copy of tests/toy_shapes laid out as an installed plugin project (editable install, no pip)."""
    shutil.copytree(PLUGIN_SOURCE, project / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    info = project / f"{PACKAGE}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {OWNER}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[zoo]\nshapes = {PACKAGE}\n", encoding="utf-8")


def zoo_command(*argv: str) -> None:
    """Run one ``zoo`` command as a fresh process would: the registry rediscovered first."""
    zoo.core.registry.reset()
    assert main(list(argv)) == 0, f"zoo {' '.join(argv)} failed"
    zoo.core.registry.reset()


# --- the plugin, trained, pinned and benched ---------------------------------------


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The toy plugin installed alone; its classifier and its DCGAN trained, exported into the plugin's
    ``hub/`` and ``registry.toml``, and benched with ``zoo bench --dataset shapes``."""
    root = tmp_path_factory.mktemp("toy")
    project = root / "toy-shapes"
    install(project)
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(project))
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(project), os.environ.get("PYTHONPATH")])))
        patch.setenv("ZOO_LOAD_PLUGINS", "shapes")
        for var in ("ZOO_DISABLE_PLUGINS", "ZOO_STRICT_PLUGINS", "ZOO_HUB"):
            patch.delenv(var, raising=False)
        patch.setenv("ZOO_DATA", str(root / "no-data"))  # a dataset read from disk would find nothing
        patch.setenv("ZOO_CACHE", str(root / "cache"))
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("COLUMNS", "120")
        patch.chdir(root)
        forget_plugin_modules()
        WATCH.watching = True
        try:
            runs = root / "runs"
            zoo_command("train", EVALUATOR, "--out", str(runs / EVALUATOR))
            zoo_command("export", str(runs / EVALUATOR), "--into", str(project))
            zoo_command("train", GENERATOR, "--out", str(runs / GENERATOR))
            zoo_command("export", str(runs / GENERATOR), "--into", str(project))
            zoo_command("bench", "--dataset", DATASET, "-n", str(SAMPLES), "-o", str(root / "bench"))
            yield {"project": project, "runs": runs, "bench": root / "bench"}
        finally:
            WATCH.watching = False
            zoo.core.registry.reset()
            forget_plugin_modules()


def test_the_plugin_registers_the_dataset_and_models_and_nothing_else_is_loaded(shapes):
    assert list_datasets() == [DATASET]
    assert zoo.list_models() == [GENERATOR, EVALUATOR]
    assert evaluator_for(DATASET) == EVALUATOR
    assert list(get_registry().plugins.plugins) == ["shapes"]


def test_the_evaluation_network_is_trained_and_pinned_in_the_plugins_catalog(shapes):
    catalog = read_catalog(shapes["project"] / PACKAGE / "registry.toml")
    assert sorted(catalog) == [GENERATOR, EVALUATOR]
    entry = catalog[EVALUATOR]
    assert entry.metrics["test_accuracy"] >= 0.9  # measured by zoo export on the toy test split
    weights = shapes["project"] / PACKAGE / "hub" / OWNER / EVALUATOR / "model.safetensors"
    assert entry.pins.repo == f"{OWNER}/{EVALUATOR}" and entry.pins.weights_sha256 == sha256_of(weights)
    assert get_spec(EVALUATOR).pins == entry.pins


@pytest.mark.parametrize("model", [EVALUATOR, GENERATOR])
def test_the_conformance_kit_passes_for_the_toy_models_and_their_pinned_weights(shapes, model):
    checks = testing.check_model(model)
    assert "weights" in checks and "trainer" in checks


def test_the_probe_judges_the_epochs_with_the_toy_network(shapes):
    records = [json.loads(line) for line in (shapes["runs"] / GENERATOR / "log.jsonl").read_text().splitlines()]
    epochs = get_spec(GENERATOR).recipe_class().defaults["epochs"]
    assert [record["epoch"] for record in records] == list(range(1, epochs + 1))
    measured = [record for record in records if "class_coverage" in record]
    assert measured[0] is records[0] and measured[-1] is records[-1], "the first and last epochs are judged"
    for record in measured:
        assert {"kl_to_uniform", "confident_fraction"} <= set(record), f"half measured: {record}"
        assert 1 <= record["class_coverage"] <= 4
        assert 0.0 <= record["kl_to_uniform"] <= math.log(4) + 1e-4
        assert 0.0 <= record["confident_fraction"] <= 1.0
    # the last epoch's numbers are those of its weights' samples, judged by the pinned toy network
    samples = zoo.load(shapes["runs"] / GENERATOR).sample(PROBE_SAMPLES, seed=PROBE_SEED)
    expected = class_stats(classify(zoo.load(EVALUATOR), samples)[0])
    assert {key: records[-1][key] for key in expected} == expected


def test_the_generators_card_is_measured_on_the_toy_data(shapes):
    metrics = read_catalog(shapes["project"] / PACKAGE / "registry.toml")[GENERATOR].metrics
    assert metrics["samples"] == 600  # as many as the toy shapes have training images for the floor
    assert 1 <= metrics["class_coverage"] <= 4
    assert all(math.isfinite(metrics[key]) for key in ("fid", "fid_real_floor", "kl_to_uniform"))
    assert metrics["fid_real_floor"] < metrics["fid"]


def test_the_bench_measures_the_generator_with_the_shapes_rows_and_network(shapes):
    result = json.loads((shapes["bench"] / "bench.json").read_text())
    assert [(row["name"], row["kind"]) for row in result["rows"]] == [
        ("shapes train (floor)", "real"),
        ("shapes train, blur sigma=0.5", "real"),
        ("shapes train, blur sigma=1", "real"),
        ("shapes train, noise sigma=0.1", "real"),
        ("shapes train, noise sigma=0.25", "real"),
        (GENERATOR, "model"),
    ]
    sha = get_spec(EVALUATOR).pins.weights_sha256
    assert result["settings"]["feature_network"] == f"{EVALUATOR} (sha256 {sha[:12]})"
    assert result["settings"]["reference"] == "shapes test split (300 images)"
    for row in result["rows"]:
        numbers = {key: value for key, value in row["metrics"].items() if isinstance(value, (int, float))}
        assert {"fid", "kid", "precision", "recall", "class_coverage", "kl_to_uniform"} <= set(numbers)
        assert all(math.isfinite(value) for value in numbers.values()), row
    assert result["rows"][-1]["metrics"]["fid"] > result["rows"][0]["metrics"]["fid"]  # no model beats real data
    table = (shapes["bench"] / "bench.md").read_text()
    assert f"on features of {EVALUATOR} (sha256 {sha[:12]})" in table and "mnist" not in table.lower()


def test_the_watch_knows_mnist_data_weights_and_plugins_from_the_rest():
    data = REPO_ROOT.parent / "shared" / "data"
    assert of_mnist(str(data / "MNIST" / "raw" / "t10k-images-idx3-ubyte"))
    assert of_mnist(str(data / "FashionMNIST" / "raw" / "train-labels-idx1-ubyte"))
    assert of_mnist(str(REPO_ROOT / "hub" / "generative-zoo" / "mnist-classifier" / "model.safetensors"))
    assert of_mnist(str(REPO_ROOT / "plugins" / "classifier" / "__pycache__" / "model.cpython-311.pyc"))
    assert of_mnist(str(REPO_ROOT / "plugins" / "registry.toml"))
    assert not of_mnist(str(REPO_ROOT / "plugins" / "__init__.py"))
    assert not of_mnist(str(REPO_ROOT / "zoo" / "evaluate" / "bench.py"))


def test_nothing_of_mnist_is_read_or_imported(shapes):
    assert WATCH.opened, "the watch heard nothing"
    assert WATCH.of_mnist() == []
