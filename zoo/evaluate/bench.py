"""``zoo bench``: every model measured the same way, in one run.

Models are grouped by the dataset they were trained on; a dataset's rows --
its models, and calibration rows of its real or degraded real data -- are
judged by the dataset's evaluation network against its real test images
(datasets are never mixed in one FID). Each row gets
:func:`~zoo.evaluate.quality.sample_quality`'s full set of measures: FID, KID,
precision and recall, class coverage, KL to uniform, confident fraction,
label accuracy where labels are known, and the family's own test-set metrics;
plus its costs. Samples come from fixed seeds and all quality numbers are
reproducible. Likelihood models bring the papers' NLLs for the bench's dataset
(``quoted_nll``): they end the table as rows of kind "quoted", beside the
measured NLLs, and are never measured or recorded.
"""
from __future__ import annotations

import math
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import torch

from zoo.errors import ZooError
from zoo.models.capabilities import Capability, can
from zoo.models.likelihood import QuotedNLL
from zoo.hub.load import WEIGHTS_FILE, load, read_folder_config
from zoo.evaluate.quality import (
    DEFAULT_SAMPLES,
    EVERYTHING,
    KID_SUBSET_SIZE,
    KID_SUBSETS,
    PR_NEIGHBOURS,
    PR_SAMPLES,
    Judge,
    asked_labels,
    evaluator_name,
    evaluator_problem,
    image_quality,
    load_evaluator,
    sample_quality,
)
from zoo.evaluate.kept import kept_metrics
from zoo.evaluate.reference import Reference, floor_images, real_data_floor
from zoo.core.naming import names_a_folder
from zoo.core.registry import get_registry, get_spec
from zoo.core.spec import ModelSpec

MIN_SAMPLES = 10  # fewer cannot fit the statistics FID, KID and precision/recall need

DEFAULT_BATCH_SIZE = 1000
PREVIEW = 64  # images kept per row for the pictures
WARM_LOADS = 3
BLUR_SIGMAS = (0.5, 1.0)
NOISE_STDS = (0.1, 0.25)
NOISE_SEED = 0
CALIBRATION_ROWS = 1 + len(BLUR_SIGMAS) + len(NOISE_STDS)
COLD_LOAD = (
    "import sys, time, torch, zoo\n"
    "start = time.perf_counter()\n"
    "zoo.load(sys.argv[1], device=sys.argv[2])\n"
    "print(time.perf_counter() - start)\n"
)
References = Callable[[str], Reference]  # a dataset's name -> its real data


@dataclass
class Row:
    """One line of the bench: its numbers and its first ``PREVIEW`` images (``dataset``: what it was measured on)."""

    name: str
    kind: str  # "real" (calibration), "model" or "quoted" (a paper's number, no images)
    family: str
    metrics: dict[str, Any]
    images: torch.Tensor
    dataset: str = ""
    paper: str = ""  # a model's paper (its spec's link)


DATASETS = "datasets"  # the settings key of a bench of several datasets: each one's own settings


@dataclass
class BenchResult:
    """How the bench was run and what it measured.

    The settings that depend on the dataset (reference, feature network, KID
    and precision/recall sizes) sit among the others for a bench of one
    dataset; a bench of several keeps them per dataset under ``settings["datasets"]``.
    """

    settings: dict[str, Any]
    rows: list[Row] = field(default_factory=list)

    def datasets(self) -> list[str]:
        """The datasets of the rows, in the order first met."""
        return list(dict.fromkeys(row.dataset for row in self.rows))

    def of_dataset(self, dataset: str) -> BenchResult:
        """The rows of ``dataset``, with the settings they were measured with (its own in place of ``datasets``)."""
        own = self.settings.get(DATASETS, {}).get(dataset, {})
        settings: dict[str, Any] = {}
        for key, value in self.settings.items():
            settings.update(own if key == DATASETS else {key: value})
        return BenchResult(settings, [row for row in self.rows if row.dataset == dataset])


def dataset_of(target: str) -> str:
    """The dataset a bench target was trained on: a model folder's recorded one, else its spec's."""
    if names_a_folder(target):
        config = read_folder_config(Path(target).expanduser())
        return (config.get("training") or {}).get("dataset") or get_spec(config["zoo_model"]).dataset
    return get_spec(target).dataset


def _unbenchable(spec: ModelSpec, dataset: str, folder: bool = False) -> str | None:
    """Why a model trained on ``dataset`` cannot be benched, or None."""
    if spec.family == "classifier":
        return "a classifier: zoo bench measures models that sample images"
    if not folder and spec.pins is None:
        return "no pretrained weights: train it and bench the run folder"
    return evaluator_problem(dataset)


def select(
    patterns: Sequence[str], all_models: bool = False, dataset: str | None = None
) -> tuple[list[str], dict[str, str]]:
    """Bench targets from model names, fnmatch patterns and model folders.

    ``all_models`` adds every model a ``*`` matches. Models a pattern matched
    that cannot be benched are skipped and returned with the reason; a model
    named outright that cannot be benched is an error. ``dataset`` keeps the
    targets trained on that dataset (with no names: all of them).
    """
    registry = get_registry()
    if dataset is not None:
        registry.dataset(dataset)  # an unknown name is an error listing the registered ones
        all_models = all_models or not patterns
    targets: list[str] = []
    skipped: dict[str, str] = {}
    for pattern in [*patterns, *(["*"] if all_models else [])]:
        folder = Path(pattern).expanduser()
        if any(char in pattern for char in "*?[") and not names_a_folder(pattern):
            specs = [registry.specs[name] for name in registry.names(pattern)]
            reasons = {spec.name: _unbenchable(spec, spec.dataset) for spec in specs if spec.family != "classifier"}
            found = [name for name, reason in reasons.items() if reason is None]
            if not found:
                raise ZooError(f"no pretrained generative model matches {pattern!r} (see `zoo list`)")
            skipped.update({name: reason for name, reason in reasons.items() if reason is not None})
            targets += found
            continue
        if names_a_folder(pattern):
            spec = get_spec(read_folder_config(folder)["zoo_model"])
            reason = _unbenchable(spec, dataset_of(pattern), folder=True)
        else:
            reason = _unbenchable(get_spec(pattern), dataset_of(pattern))
        if reason is not None:
            raise ZooError(f"cannot bench {pattern!r}: {reason}")
        targets.append(pattern)
    if dataset is not None:
        targets = [target for target in targets if dataset_of(target) == dataset]
        skipped = {name: reason for name, reason in skipped.items() if dataset_of(name) == dataset}
        if not targets:
            raise ZooError(f"no pretrained generative model of dataset {dataset!r} to bench (see `zoo list`)")
    if not targets:
        raise ZooError("name the models to bench (names, wildcards or model folders), or pass --all")
    targets = list(dict.fromkeys(targets))
    return targets, {name: reason for name, reason in skipped.items() if name not in targets}


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    threads = torch.get_num_threads()
    return f"cpu ({threads} thread{'s' if threads > 1 else ''})"


def weights_file(target: str) -> Path:
    """The weight file ``zoo.load(target)`` reads."""
    if names_a_folder(target):
        return Path(target).expanduser() / WEIGHTS_FILE
    from zoo.hub import resolve as hub

    return hub.fetch(target).path


def cold_load_seconds(target: str, device: torch.device) -> float:
    """Seconds for ``zoo.load`` in a fresh Python process (registry, hashing, build, weights)."""
    done = subprocess.run(
        [sys.executable, "-c", COLD_LOAD, target, str(device)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ZooError(f"loading {target!r} in a fresh process failed:\n{done.stderr.strip()}")
    return float(done.stdout.strip().splitlines()[-1])


def degraded(images: torch.Tensor) -> dict[str, torch.Tensor]:
    """Real images blurred, and with Gaussian noise (from ``NOISE_SEED``), at two strengths each."""
    from torchvision.transforms.functional import gaussian_blur

    noise = torch.randn(images.shape, generator=torch.Generator().manual_seed(NOISE_SEED))
    changed = {}
    for sigma in BLUR_SIGMAS:
        kernel = 2 * math.ceil(3 * sigma) + 1
        changed[f"blur sigma={sigma:g}"] = gaussian_blur(images, [kernel, kernel], [sigma, sigma])
    for std in NOISE_STDS:
        changed[f"noise sigma={std:g}"] = (images + std * noise).clamp(0.0, 1.0)
    return changed


class Bench:
    """Measures the rows of one ``dataset``: against its real ``reference``, with its evaluation network."""

    def __init__(
        self,
        reference: Reference,
        dataset: str,
        n: int = DEFAULT_SAMPLES,
        seed: int = 0,
        device: str | torch.device = "cpu",
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        if n > len(reference.train):
            raise ValueError(f"n={n} is more than the {len(reference.train)} training images the calibration rows need")
        self.reference = reference
        self.evaluator = evaluator_name(dataset)
        self.n = n
        self.seed = seed
        self.device = torch.device(device)
        self.batch_size = batch_size
        self.judge = Judge(load_evaluator(dataset, self.device), reference.test)
        self.quoted: dict[QuotedNLL, tuple[str, tuple[int, ...]]] = {}  # -> family and image shape of its citer

    def settings(self) -> dict[str, Any]:
        """What was measured against, with what (the settings that depend on the dataset)."""
        pr_samples = min(PR_SAMPLES, self.n, len(self.reference.test))
        return {
            "reference": f"{self.reference.dataset} test split ({len(self.reference.test)} images)",
            "feature_network": f"{self.evaluator} (sha256 {get_spec(self.evaluator).pins.weights_sha256[:12]})",
            "kid": f"{KID_SUBSETS} subsets of {min(KID_SUBSET_SIZE, self.n, len(self.reference.test))}",
            "precision_recall": f"k={PR_NEIGHBOURS}, {pr_samples} vs {pr_samples} images",
        }

    def row(self, name: str, kind: str, family: str, metrics: dict[str, Any], images: torch.Tensor) -> Row:
        """A row of this dataset, with the first ``PREVIEW`` of ``images``."""
        return Row(name, kind, family, metrics, images[:PREVIEW].cpu(), self.reference.dataset)

    def calibration_rows(self) -> Iterator[Row]:
        """The real-data floor (real training images against the test set), then degraded copies of its images."""
        name = f"{self.reference.dataset} train"
        images, labels = floor_images(self.reference.train, self.n)
        yield self.row(f"{name} (floor)", "real", "data", real_data_floor(self.reference, self.judge, self.n), images)
        for what, changed in degraded(images).items():
            yield self.row(f"{name}, {what}", "real", "data", image_quality(changed, self.judge, labels), changed)

    def model_row(self, target: str, stage: Callable[[str], None] = lambda what: None) -> Row:
        """Load, time and sample one model and measure everything about it (``stage`` hears what it is doing)."""
        stage("loading")
        cold = cold_load_seconds(target, self.device)
        warm = []
        for _ in range(WARM_LOADS):
            start = time.perf_counter()
            model = load(target, device=self.device)
            warm.append(time.perf_counter() - start)
        if not can(model, Capability.SAMPLE):
            raise ZooError(f"{target!r} is a {model.spec.family}; zoo bench measures models that sample images")
        warm_up = min(self.batch_size, self.n)
        labels = asked_labels(model, warm_up)
        model.sample(warm_up, seed=self.seed, batch_size=warm_up, **({} if labels is None else {"labels": labels}))
        measured = sample_quality(model, self.judge, self.n, self.seed, measures=EVERYTHING,
                                  batch_size=self.batch_size, stage=stage)
        self.cite(model)
        metrics = {**measured.metrics, **kept_metrics(model, self.judge, self.n)}
        metrics.update(
            images_per_s=round(self.n / measured.seconds, 1),
            load_cold_s=round(cold, 3),
            load_warm_s=round(statistics.median(warm), 3),
            parameters=sum(p.numel() for p in model.parameters()),
            weights_bytes=weights_file(target).stat().st_size,
        )
        row = self.row(target, "model", model.spec.family, metrics, measured.images)
        row.paper = model.spec.paper
        return row

    def cite(self, model: torch.nn.Module) -> None:
        """Keep the papers' NLLs the model quotes for the dataset the bench measures on."""
        for quoted in getattr(model, "quoted_nll", ()):
            if quoted.dataset == self.reference.dataset:
                self.quoted.setdefault(quoted, (model.spec.family, tuple(model.image_shape)))

    def quoted_rows(self) -> Iterator[Row]:
        """One row per cited paper's NLL, in nats per image and bits/dim: quoted, not measured."""
        for quoted, (family, shape) in self.quoted.items():
            bits = quoted.nll / (math.prod(shape) * math.log(2))
            yield Row(quoted.label, "quoted", family, {"nll": quoted.nll, "bits_per_dim": round(bits, 4)},
                      torch.empty(0, *shape), self.reference.dataset)


def by_dataset(targets: Sequence[str]) -> dict[str, list[str]]:
    """The targets grouped by the dataset they were trained on, in the order first named."""
    groups: dict[str, list[str]] = {}
    for target in targets:
        groups.setdefault(dataset_of(target), []).append(target)
    return groups


def run_bench(
    targets: Sequence[str],
    references: References,
    n: int = DEFAULT_SAMPLES,
    seed: int = 0,
    device: str | torch.device = "cpu",
    batch_size: int = DEFAULT_BATCH_SIZE,
    calibration: bool = True,
    progress: bool = True,
    command: str = "",
) -> BenchResult:
    """Measure each target (a model name or folder) with the others of its dataset.

    For each dataset (``references(name)`` gives its real data): its
    calibration rows, then its targets in order. The papers' NLLs that the
    likelihood models among them quote end the table.
    """
    from tqdm.auto import tqdm

    if not targets:
        raise ValueError("run_bench needs at least one target: the calibration rows are those of the targets' datasets")
    if n < MIN_SAMPLES:
        raise ZooError(f"-n {n} is too few: the bench needs at least {MIN_SAMPLES} samples per model to fit its statistics")
    started = datetime.now(timezone.utc)
    groups = by_dataset(targets)
    total = len(targets) + (CALIBRATION_ROWS * len(groups) if calibration else 0)
    device = torch.device(device)
    benches: list[Bench] = []
    rows: list[Row] = []
    with tqdm(total=total, desc="zoo bench", unit="row", disable=None if progress else True) as bar:
        for dataset, members in groups.items():
            bar.set_postfix_str(f"{dataset}: evaluation network")
            bench = Bench(references(dataset), dataset, n, seed, device, batch_size)
            benches.append(bench)
            if calibration:
                bar.set_postfix_str(f"{dataset}: calibration rows")
                for row in bench.calibration_rows():
                    rows.append(row)
                    bar.update()
            for target in members:
                rows.append(bench.model_row(target, lambda what, t=target: bar.set_postfix_str(f"{t}: {what}")))
                bar.update()
    for bench in benches:
        rows.extend(bench.quoted_rows())
    per_dataset = {bench.reference.dataset: bench.settings() for bench in benches}
    settings = {
        "samples": n,
        "seed": seed,
        "batch_size": batch_size,
        "device": describe_device(device),
        **(next(iter(per_dataset.values())) if len(per_dataset) == 1 else {DATASETS: per_dataset}),
        "torch": torch.__version__,
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
    }
    return BenchResult(settings, rows)
