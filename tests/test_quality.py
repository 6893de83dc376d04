"""One quality path: ``zoo export``, ``zoo evaluate``, ``zoo bench`` and the per-epoch probe all measure
samples with ``zoo.evaluate.quality.sample_quality``, and the real-data floor has one definition.

A tiny untrained conditional DCGAN, written as a run folder, is judged by a tiny untrained evaluation
network against the toy crosses standing in for its dataset's real images: the numbers mean nothing,
but the same model and seed must give the same numbers whichever command measures it.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import torch

import zoo
import zoo.evaluate.bench
import zoo.evaluate.quality
import zoo.evaluate.reference
from zoo.core.registry import get_spec
from zoo.errors import ZooError
from zoo.evaluate.bench import Bench
from zoo.evaluate.quality import (
    CARD, CLASSES, EVERYTHING, FID, Judge, evaluator_name, image_quality, sample_quality,
)
from zoo.evaluate.reference import Reference, evaluate_model, floor_images, real_data_floor
from zoo.hub.load import instantiate
from zoo.release.publish import export_run
from zoo.train.probe import SAMPLES as PROBE_SAMPLES
from zoo.train.probe import BUDGET as PROBE_BUDGET
from zoo.train.probe import CollapseProbe
from zoo.train.run_folder import write_model_folder
from zoo_plugins.crosses.data import crosses

pytestmark = pytest.mark.usefixtures("one_torch_thread")

N = PROBE_SAMPLES  # every path is asked for as many samples as the probe draws
CLASS_STATS = ("class_coverage", "kl_to_uniform", "confident_fraction")
CARD_KEYS = ("fid", *CLASS_STATS, "label_accuracy")
ROOT = Path(__file__).resolve().parents[1]


def tiny_network() -> torch.nn.Module:
    return instantiate(get_spec("mnist-classifier"), {"width": 4, "features": 16, "classes": 10}).eval()


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """The same run folder measured by every path, each call to ``sample_quality`` recorded."""
    root = tmp_path_factory.mktemp("quality")
    spec = get_spec("cdcgan-mnist")
    config = {**spec.config, "latent_dim": 8, "width": 8}
    torch.manual_seed(0)
    write_model_folder(root / "run", spec, config, instantiate(spec, config))
    network = tiny_network()
    reference = Reference("crosses", crosses(1200, seed=0)[0], crosses(400, seed=1)[0])
    asked: list[tuple[str, int, frozenset[str]]] = []

    def spy(path: str):
        def recorded(model, judge, n=10000, seed=0, **options):
            asked.append((path, n, frozenset(options["measures"])))
            return sample_quality(model, judge, n, seed, **options)
        return recorded

    with pytest.MonkeyPatch.context() as patch:
        for module in (zoo.evaluate.quality, zoo.evaluate.reference, zoo.evaluate.bench):
            patch.setattr(module, "load_evaluator", lambda dataset, device=None: network)
        patch.setattr(zoo.evaluate.reference, "load_reference", lambda dataset, data_root: reference)
        patch.setattr(zoo.evaluate.reference, "CARD_SAMPLES", N)
        patch.setattr(zoo.evaluate.bench, "cold_load_seconds", lambda target, device: 0.0)
        patch.setattr(zoo.evaluate.quality, "sample_quality", spy("probe"))
        patch.setattr(zoo.evaluate.reference, "sample_quality", spy("evaluate"))
        patch.setattr(zoo.evaluate.bench, "sample_quality", spy("bench"))
        evaluated = evaluate_model(zoo.load(root / "run"), None)
        exported = export_run(root / "run", root / "hub", repo="o/cdcgan-mnist").entry.metrics
        bench = Bench(reference, "mnist", n=N)
        floor_row = next(bench.calibration_rows())
        benched = bench.model_row(str(root / "run")).metrics
        notes: list[str] = []
        probed = CollapseProbe("mnist", torch.device("cpu"), notes.append).measure(zoo.load(root / "run"))
        floor = real_data_floor(reference, Judge(network, reference.test), N)
    return {"evaluate": evaluated, "export": exported, "bench": benched, "probe": probed, "asked": asked,
            "floor row": floor_row.metrics, "floor": floor, "notes": notes, "reference": reference}


def test_every_path_asks_the_one_function_for_what_it_needs(measured):
    assert measured["asked"] == [
        ("evaluate", N, CARD),  # zoo evaluate
        ("evaluate", N, CARD),  # zoo export, through the same call
        ("bench", N, EVERYTHING),
        ("probe", N, frozenset({CLASSES})),  # cheap: class statistics only
    ]
    assert measured["notes"] == []


def test_export_and_evaluate_record_the_same_numbers(measured):
    assert measured["export"] == measured["evaluate"]
    assert measured["evaluate"]["samples"] == N and measured["evaluate"]["seed"] == 0


def test_bench_and_evaluate_agree_on_every_number_they_share(measured):
    evaluated, benched = measured["evaluate"], measured["bench"]
    assert {key: benched[key] for key in CARD_KEYS} == {key: evaluated[key] for key in CARD_KEYS}
    assert 0.0 <= benched["label_accuracy"] <= 1.0  # a conditional model, asked for every class equally often


def test_the_probe_gets_the_benchs_class_statistics_and_nothing_else(measured):
    assert measured["probe"] == {key: measured["bench"][key] for key in CLASS_STATS}


def test_the_real_data_floor_is_one_definition(measured):
    """The bench's floor row, ``real_data_floor`` and the card's ``fid_real_floor`` are one measurement."""
    assert measured["floor row"] == measured["floor"]
    assert measured["evaluate"]["fid_real_floor"] == measured["floor"]["fid"]


def test_the_floor_is_a_seeded_random_draw_of_training_images(measured):
    train = measured["reference"].train
    images, labels = floor_images(train, 100)
    assert torch.equal(images, floor_images(train, 100)[0])
    assert not torch.equal(images, train.images[:100])
    assert labels is None  # the crosses have no labels
    with pytest.raises(ValueError, match="n=1201 is more than the 1200 training images"):
        floor_images(train, 1201)


def test_unknown_measures_and_missing_real_data_are_refused():
    images = torch.rand(8, 1, 28, 28)
    with pytest.raises(ValueError, match=r"unknown measures \['sharpness'\]"):
        image_quality(images, Judge(tiny_network()), measures={FID, "sharpness"})
    with pytest.raises(ValueError, match="need the real test split"):
        image_quality(images, Judge(tiny_network()), measures={FID})
    assert set(image_quality(images, Judge(tiny_network()), measures={CLASSES})) == set(CLASS_STATS)


def test_samples_of_a_dataset_without_an_evaluation_network_are_not_judged():
    with pytest.raises(ZooError, match="dataset 'crosses' names no evaluation network"):
        evaluator_name("crosses")
    with pytest.raises(ZooError, match="without a dataset name"):
        evaluator_name(None)
    notes: list[str] = []
    probe = CollapseProbe("crosses", torch.device("cpu"), notes.append)
    model = instantiate(get_spec("dcgan-mnist"), {"latent_dim": 8, "width": 8})
    assert probe.measure(model) == {} and probe.measure(model) == {}
    assert notes == ["class coverage, KL to uniform and confident fraction are not measured: "
                     "dataset 'crosses' names no evaluation network to judge samples with"]


def test_the_probe_keeps_to_its_share_of_training_time(monkeypatch):
    """After the first epoch and the last it measures only once training has run 1/BUDGET times its cost."""
    cost = 0.05

    def slow_quality(model, judge, n, seed, measures):
        time.sleep(cost)
        return zoo.evaluate.quality.Measured({"class_coverage": 10}, torch.zeros(0), cost)

    monkeypatch.setattr(zoo.evaluate.quality, "load_evaluator", lambda dataset, device=None: tiny_network())
    monkeypatch.setattr(zoo.evaluate.quality, "sample_quality", slow_quality)
    probe = CollapseProbe("mnist", torch.device("cpu"), print)
    model = instantiate(get_spec("dcgan-mnist"), {"latent_dim": 8, "width": 8})
    assert probe.due(0.01, final=False)  # the first epoch is always measured
    assert probe.measure(model, trained_s=0.01) == {"class_coverage": 10}
    interval = cost / PROBE_BUDGET
    assert not probe.due(0.01 + interval / 2, final=False)
    assert probe.due(0.01 + interval / 2, final=True)  # and the last
    assert probe.due(0.01 + interval * 1.5, final=False)


@pytest.mark.parametrize("path", ["zoo/evaluate", "zoo/train/probe.py", "zoo/release/publish.py",
                                  "zoo/release/record.py"])
def test_the_quality_code_names_no_dataset(path):
    files = [ROOT / path] if path.endswith(".py") else sorted((ROOT / path).glob("*.py"))
    naming = [f"{file.relative_to(ROOT)}:{number}" for file in files
              for number, line in enumerate(file.read_text().splitlines(), 1) if "mnist" in line.lower()]
    assert not naming, f"these lines name a dataset; say 'the dataset's evaluation network': {naming}"
