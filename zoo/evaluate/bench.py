"""``zoo bench``: every model measured the same way, in one run.

Each row -- a model, or a calibration row of real or degraded real data -- is
judged by the same feature network (``mnist-classifier``) against the same
real test images: FID, KID, precision and recall, class coverage, KL to
uniform, confident fraction, label accuracy where labels are known; plus the
family's own test-set metrics (``evaluation_metrics``) and its costs. Samples
come from fixed seeds and all quality numbers are reproducible. Likelihood
models bring the papers' NLLs for the bench's dataset (``quoted_nll``): they
end the table as rows of kind "quoted", beside the measured NLLs, and are
never measured or recorded.
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

from zoo.data.datasets import ImageData, load_dataset
from zoo.errors import ZooError
from zoo.models.likelihood import QuotedNLL
from zoo.hub.load import WEIGHTS_FILE, load, read_folder_config
from zoo.evaluate.quality import (
    CLASSIFIER,
    KID_SUBSET_SIZE,
    KID_SUBSETS,
    PR_NEIGHBOURS,
    PR_SAMPLES,
    class_stats,
    classify,
    frechet_distance,
    kernel_distance,
    load_classifier,
    precision_recall,
)
from zoo.models.base import ConditionalModel
from zoo.core.naming import names_a_folder
from zoo.core.registry import get_registry, get_spec
from zoo.core.spec import ModelSpec
from zoo.core.threads import one_thread

DEFAULT_SAMPLES = 10000
DEFAULT_BATCH_SIZE = 1000
PREVIEW = 64  # images kept per row for the pictures
WARM_LOADS = 3
CALIBRATION_SEED = 0
BLUR_SIGMAS = (0.5, 1.0)
NOISE_STDS = (0.1, 0.25)
CALIBRATION_ROWS = 1 + len(BLUR_SIGMAS) + len(NOISE_STDS)
NLL_KEYS = ("nll", "nll_is")  # family metrics in nats per image, also given as bits/dim
COLD_LOAD = (
    "import sys, time, torch, zoo\n"
    "start = time.perf_counter()\n"
    "zoo.load(sys.argv[1], device=sys.argv[2])\n"
    "print(time.perf_counter() - start)\n"
)


@dataclass
class Reference:
    """Real data: ``test`` is what every row is measured against, ``train`` feeds the calibration rows."""

    dataset: str
    train: ImageData
    test: ImageData


@dataclass
class Row:
    """One line of the bench: its numbers and its first ``PREVIEW`` images."""

    name: str
    kind: str  # "real" (calibration), "model" or "quoted" (a paper's number, no images)
    family: str
    metrics: dict[str, Any]
    images: torch.Tensor


@dataclass
class BenchResult:
    """How the bench was run and what it measured."""

    settings: dict[str, Any]
    rows: list[Row] = field(default_factory=list)


def load_reference(data_root: str | Path | None) -> Reference:
    """The training and test split of the dataset the feature network judges."""
    dataset = get_spec(CLASSIFIER).dataset
    train, test = (load_dataset(dataset, data_root, train=split) for split in (True, False))
    return Reference(dataset, train, test)


def _unbenchable(spec: ModelSpec, folder: bool = False) -> str | None:
    """Why a model cannot be benched, or None."""
    judged = get_spec(CLASSIFIER).dataset
    if spec.family == "classifier":
        return "a classifier: zoo bench measures models that sample images"
    if not folder and spec.pins is None:
        return "no pretrained weights: train it and bench the run folder"
    if spec.dataset != judged:
        return f"trained on {spec.dataset}, and {CLASSIFIER} judges {judged} only"
    return None


def select(patterns: Sequence[str], all_models: bool = False) -> tuple[list[str], dict[str, str]]:
    """Bench targets from model names, fnmatch patterns and model folders.

    ``all_models`` adds every model a ``*`` matches. Models a pattern matched
    that cannot be benched are skipped and returned with the reason; a model
    named outright that cannot be benched is an error.
    """
    registry = get_registry()
    targets: list[str] = []
    skipped: dict[str, str] = {}
    for pattern in [*patterns, *(["*"] if all_models else [])]:
        folder = Path(pattern).expanduser()
        if any(char in pattern for char in "*?[") and not names_a_folder(pattern):
            specs = [registry.specs[name] for name in registry.names(pattern)]
            reasons = {spec.name: _unbenchable(spec) for spec in specs if spec.family != "classifier"}
            found = [name for name, reason in reasons.items() if reason is None]
            if not found:
                raise ZooError(f"no pretrained generative model matches {pattern!r} (see `zoo list`)")
            skipped.update({name: reason for name, reason in reasons.items() if reason is not None})
            targets += found
            continue
        if names_a_folder(pattern):
            reason = _unbenchable(get_spec(read_folder_config(folder)["zoo_model"]), folder=True)
        else:
            reason = _unbenchable(get_spec(pattern))
        if reason is not None:
            raise ZooError(f"cannot bench {pattern!r}: {reason}")
        targets.append(pattern)
    if not targets:
        raise ZooError("name the models to bench (names, wildcards or model folders), or pass --all")
    targets = list(dict.fromkeys(targets))
    return targets, {name: reason for name, reason in skipped.items() if name not in targets}


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    threads = torch.get_num_threads()
    return f"cpu ({threads} thread{'s' if threads > 1 else ''})"


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


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
    """Real images blurred, and with Gaussian noise (from ``CALIBRATION_SEED``), at two strengths each."""
    from torchvision.transforms.functional import gaussian_blur

    noise = torch.randn(images.shape, generator=torch.Generator().manual_seed(CALIBRATION_SEED))
    changed = {}
    for sigma in BLUR_SIGMAS:
        kernel = 2 * math.ceil(3 * sigma) + 1
        changed[f"blur sigma={sigma:g}"] = gaussian_blur(images, [kernel, kernel], [sigma, sigma])
    for std in NOISE_STDS:
        changed[f"noise sigma={std:g}"] = (images + std * noise).clamp(0.0, 1.0)
    return changed


class Bench:
    """Measures rows against one reference with one feature network."""

    def __init__(
        self,
        reference: Reference,
        n: int = DEFAULT_SAMPLES,
        seed: int = 0,
        device: str | torch.device = "cpu",
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        if n > len(reference.train):
            raise ValueError(f"n={n} is more than the {len(reference.train)} training images the calibration rows need")
        self.reference = reference
        self.n = n
        self.seed = seed
        self.device = torch.device(device)
        self.batch_size = batch_size
        self.classifier = load_classifier(self.device)
        self.reference_features = classify(self.classifier, reference.test.images)[1]
        self.quoted: dict[QuotedNLL, tuple[str, tuple[int, ...]]] = {}  # -> family and image shape of its citer

    def settings(self) -> dict[str, Any]:
        pr_samples = min(PR_SAMPLES, self.n, len(self.reference.test))
        return {
            "samples": self.n,
            "seed": self.seed,
            "batch_size": self.batch_size,
            "device": describe_device(self.device),
            "reference": f"{self.reference.dataset} test split ({len(self.reference.test)} images)",
            "feature_network": f"{CLASSIFIER} (sha256 {get_spec(CLASSIFIER).pins.weights_sha256[:12]})",
            "kid": f"{KID_SUBSETS} subsets of {min(KID_SUBSET_SIZE, self.n, len(self.reference.test))}",
            "precision_recall": f"k={PR_NEIGHBOURS}, {pr_samples} vs {pr_samples} images",
            "torch": torch.__version__,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        }

    def quality(self, images: torch.Tensor, labels: torch.Tensor | None) -> dict[str, Any]:
        """Feature-network metrics of ``images`` (labels: the classes they should show)."""
        probs, features = classify(self.classifier, images)
        kid, kid_std = kernel_distance(features, self.reference_features)
        precision, recall = precision_recall(self.reference_features, features)
        with one_thread():
            fid = frechet_distance(features, self.reference_features)
        result: dict[str, Any] = {
            "fid": round(fid, 3),
            "kid": round(kid, 6),
            "kid_std": round(kid_std, 6),
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            **class_stats(probs),
        }
        if labels is not None:
            result["label_accuracy"] = round((probs.argmax(1) == labels).double().mean().item(), 4)
        return result

    def calibration_rows(self) -> Iterator[Row]:
        """Real training images against the test set (the floor), then degraded copies of them."""
        train = self.reference.train
        index = torch.randperm(len(train), generator=torch.Generator().manual_seed(CALIBRATION_SEED))[: self.n]
        images, labels = train.images[index], train.labels[index]
        labels = labels if bool((labels >= 0).all()) else None
        name = f"{self.reference.dataset} train"
        yield Row(f"{name} (floor)", "real", "data", self.quality(images, labels), images[:PREVIEW])
        for what, changed in degraded(images).items():
            yield Row(f"{name}, {what}", "real", "data", self.quality(changed, labels), changed[:PREVIEW])

    def model_row(self, target: str, stage: Callable[[str], None] = lambda what: None) -> Row:
        """Load, time and sample one model and measure everything about it (``stage`` hears what it is doing)."""
        stage("loading")
        cold = cold_load_seconds(target, self.device)
        warm = []
        for _ in range(WARM_LOADS):
            start = time.perf_counter()
            model = load(target, device=self.device)
            warm.append(time.perf_counter() - start)
        if not hasattr(model, "sample"):
            raise ZooError(f"{target!r} is a {model.spec.family}; zoo bench measures models that sample images")
        conditioning, labels = {}, None
        if isinstance(model, ConditionalModel):
            labels = torch.arange(self.n) % model.num_classes
            conditioning = {"labels": labels}
        stage("sampling")
        warm_up = min(self.batch_size, self.n)
        model.sample(warm_up, seed=self.seed, batch_size=warm_up, **{k: v[:warm_up] for k, v in conditioning.items()})
        _sync(self.device)
        start = time.perf_counter()
        images = model.sample(self.n, seed=self.seed, batch_size=self.batch_size, **conditioning)
        _sync(self.device)
        seconds = time.perf_counter() - start
        stage("quality")
        metrics = self.quality(images.cpu(), labels)
        if callable(getattr(model, "evaluation_metrics", None)):
            stage("test-set metrics")
            metrics.update(self.family_metrics(model))
            self.cite(model)
        metrics.update(
            images_per_s=round(self.n / seconds, 1),
            load_cold_s=round(cold, 3),
            load_warm_s=round(statistics.median(warm), 3),
            parameters=sum(p.numel() for p in model.parameters()),
            weights_bytes=weights_file(target).stat().st_size,
        )
        return Row(target, "model", model.spec.family, metrics, images[:PREVIEW].cpu())

    def family_metrics(self, model: torch.nn.Module) -> dict[str, Any]:
        """The model's own test-set metrics on the first ``n`` test images; NLLs also in bits/dim."""
        test = self.reference.test
        metrics = dict(model.evaluation_metrics(test.images[: self.n], test.labels[: self.n]))
        dims = math.prod(model.image_shape)
        for key in NLL_KEYS:
            if key in metrics:
                metrics["bits_per_dim"] = round(metrics[key] / (dims * math.log(2)), 4)
        return metrics


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
                      torch.empty(0, *shape))


def run_bench(
    targets: Sequence[str],
    reference: Reference,
    n: int = DEFAULT_SAMPLES,
    seed: int = 0,
    device: str | torch.device = "cpu",
    batch_size: int = DEFAULT_BATCH_SIZE,
    calibration: bool = True,
    progress: bool = True,
    command: str = "",
) -> BenchResult:
    """Measure the calibration rows and each target (a model name or folder) in order,
    then add the papers' NLLs the likelihood models among them quote."""
    from tqdm.auto import tqdm

    rows = len(targets) + (CALIBRATION_ROWS if calibration else 0)
    with tqdm(total=rows, desc="zoo bench", unit="row", disable=None if progress else True) as bar:
        bar.set_postfix_str("reference features")
        bench = Bench(reference, n, seed, device, batch_size)
        result = BenchResult({**bench.settings(), "command": command})
        if calibration:
            bar.set_postfix_str("calibration rows")
            for row in bench.calibration_rows():
                result.rows.append(row)
                bar.update()
        for target in targets:
            result.rows.append(bench.model_row(target, lambda what, t=target: bar.set_postfix_str(f"{t}: {what}")))
            bar.update()
        result.rows.extend(bench.quoted_rows())
    return result

