"""Sample quality, judged by the evaluation network of the samples' dataset.

One function, :func:`sample_quality`, measures a model's samples for ``zoo
export``, ``zoo evaluate``, ``zoo bench`` and the per-epoch probe; each asks
for the ``measures`` it needs:

- ``classes``: class coverage (classes predicted at least once: mode
  collapse), KL(class histogram || uniform) in nats, and the confident
  fraction (top class probability above 0.9);
- ``labels``: for conditional models, asked for every class equally often,
  how often the network finds the class asked for (``label_accuracy``);
- ``fid``: Fréchet distance of the network's features against the real test set;
- ``kid``: KID (Binkowski et al. 2018) on the same features;
- ``precision_recall``: k-NN precision and recall (Kynkaanniemi et al. 2019);
- ``family``: the family's own test-set numbers (``evaluation_metrics``:
  reconstruction error, NLLs, also in bits/dim) and the label accuracy of a
  translation model's translations.

:func:`image_quality` is the same measurement of images already drawn (real
data: the floor and its degraded copies). Label accuracy is computed in one
place, :func:`label_accuracy`. An evaluation network has ``features(x)`` and
``head(features)`` (class logits).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Collection

import torch
from torch import nn

from zoo.core.registry import evaluator_for, get_registry
from zoo.core.threads import one_thread
from zoo.data.datasets import ImageData
from zoo.errors import ZooError
from zoo.models.base import ConditionalModel

CLASSES, LABELS, FID, KID, PRECISION_RECALL, FAMILY = "classes", "labels", "fid", "kid", "precision_recall", "family"
EVERYTHING = frozenset({CLASSES, LABELS, FID, KID, PRECISION_RECALL, FAMILY})  # what zoo bench measures
CARD = frozenset({CLASSES, LABELS, FID, FAMILY})  # what zoo export and zoo evaluate record
DEFAULT_SAMPLES = 10000
EVAL_BATCH = 1000  # images per forward pass of the evaluation network and of a translation
CONFIDENCE = 0.9
KID_SUBSETS = 100
KID_SUBSET_SIZE = 1000
PR_NEIGHBOURS = 3
PR_SAMPLES = 5000
NLL_KEYS = ("nll", "nll_is")  # family metrics in nats per image, also given as bits/dim
DISTANCE_CHUNK = 1000  # rows per block of pairwise distances
KERNEL_BATCH = 10_000_000  # kernel entries per batch of KID subsets (80 MB in float64)
Translation = Callable[[torch.Tensor], torch.Tensor]


def evaluator_problem(dataset: str | None) -> str | None:
    """Why samples of ``dataset`` cannot be judged, or None when its evaluation network can be loaded."""
    if not dataset:
        return "the data was given in code without a dataset name, so no evaluation network judges its samples"
    name = evaluator_for(dataset)
    if name is None:
        return f"dataset {dataset!r} names no evaluation network to judge samples with"
    registry = get_registry()
    if name not in registry.specs:
        return (f"{name!r}, the evaluation network of dataset {dataset!r}, is not a registered model "
                "(install its plugin)")
    if registry.specs[name].pins is None:
        return f"{name!r}, the evaluation network of dataset {dataset!r}, has no published weights yet"
    return None


def evaluator_name(dataset: str | None) -> str:
    """The name of the model that judges samples of ``dataset``; a ZooError saying why when there is none."""
    problem = evaluator_problem(dataset)
    if problem is not None:
        raise ZooError(problem)
    return evaluator_for(dataset)


def load_evaluator(dataset: str | None, device: str | torch.device | None = None) -> nn.Module:
    """The evaluation network of ``dataset``, loaded onto ``device``."""
    from zoo.hub.load import load

    return load(evaluator_name(dataset), device=device)


class Judge:
    """A dataset's evaluation network and the real test images that samples are compared with.

    ``test`` may be left out by callers that ask only for ``classes`` and
    ``labels``; the test images' features are computed once, when first needed.
    """

    def __init__(self, network: nn.Module, test: ImageData | None = None) -> None:
        self.network = network
        self.test = test
        self._real_features: torch.Tensor | None = None

    @property
    def real_features(self) -> torch.Tensor:
        if self._real_features is None:
            self._real_features = classify(self.network, self.real_data.images)[1]
        return self._real_features

    @property
    def real_data(self) -> ImageData:
        if self.test is None:
            raise ValueError(
                "FID, KID, precision/recall and the family metrics need the real test split: Judge(network, test)"
            )
        return self.test


@dataclass
class Measured:
    """What :func:`sample_quality` found: the numbers, the samples (on the CPU), the seconds spent drawing them."""

    metrics: dict[str, Any]
    images: torch.Tensor
    seconds: float


@torch.inference_mode()
def classify(
    network: nn.Module, images: torch.Tensor, batch_size: int = EVAL_BATCH
) -> tuple[torch.Tensor, torch.Tensor]:
    """Softmax probabilities ``(n, classes)`` (float32) and features ``(n, d)`` (float64) for images in [0, 1]."""
    device = next(network.parameters()).device
    probs, feats = [], []
    for start in range(0, images.shape[0], batch_size):
        batch = images[start : start + batch_size].to(device)
        features = network.features(batch)
        probs.append(network.head(features).softmax(1).float().cpu())
        feats.append(features.double().cpu())
    return torch.cat(probs), torch.cat(feats)


def class_stats(probs: torch.Tensor) -> dict[str, float]:
    """Coverage, KL to uniform and confident fraction from class probabilities ``(n, classes)``."""
    classes = probs.shape[1]
    predicted = probs.argmax(1)
    histogram = torch.bincount(predicted, minlength=classes).double() / predicted.numel()
    nonzero = histogram > 0
    kl = (histogram[nonzero] * (histogram[nonzero] * classes).log()).sum().item()
    return {
        "class_coverage": int(nonzero.sum().item()),
        "kl_to_uniform": round(kl, 4),
        "confident_fraction": round((probs.max(1).values > CONFIDENCE).double().mean().item(), 4),
    }


def label_accuracy(probs: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of images whose most probable class is their label."""
    return round((probs.argmax(1) == labels.cpu()).double().mean().item(), 4)


def asked_labels(model: nn.Module, n: int) -> torch.Tensor | None:
    """The labels a conditional model is asked for: ``0, 1, ..., k-1, 0, ...``, every class equally often
    (None for other models)."""
    return torch.arange(n) % model.num_classes if isinstance(model, ConditionalModel) else None


def image_quality(
    images: torch.Tensor,
    judge: Judge,
    labels: torch.Tensor | None = None,
    measures: Collection[str] = EVERYTHING,
) -> dict[str, Any]:
    """The ``measures`` of images in [0, 1] (``labels``: the class each should show, None when unknown)."""
    unknown = set(measures) - EVERYTHING
    if unknown:
        raise ValueError(f"unknown measures {sorted(unknown)}; choose from {sorted(EVERYTHING)}")
    probs, features = classify(judge.network, images)
    result: dict[str, Any] = {}
    if FID in measures:
        with one_thread():
            result["fid"] = round(frechet_distance(features, judge.real_features), 3)
    if KID in measures:
        kid, kid_std = kernel_distance(features, judge.real_features)
        result.update(kid=round(kid, 6), kid_std=round(kid_std, 6))
    if PRECISION_RECALL in measures:
        precision, recall = precision_recall(judge.real_features, features)
        result.update(precision=round(precision, 4), recall=round(recall, 4))
    if CLASSES in measures:
        result.update(class_stats(probs))
    if LABELS in measures and labels is not None:
        result["label_accuracy"] = label_accuracy(probs, labels)
    return result


def _synchronise(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


@torch.inference_mode()
def sample_quality(
    model: nn.Module,
    judge: Judge,
    n: int = DEFAULT_SAMPLES,
    seed: int = 0,
    *,
    measures: Collection[str] = EVERYTHING,
    batch_size: int | None = None,
    stage: Callable[[str], None] = lambda what: None,
) -> Measured:
    """Draw ``n`` samples from ``seed`` (a conditional model: every class equally often) and measure them.

    ``measures`` picks what is measured (see the module docstring): the
    per-epoch probe asks for ``{"classes"}``, ``zoo export`` and ``zoo evaluate``
    for :data:`CARD`, ``zoo bench`` for :data:`EVERYTHING`. ``batch_size`` is
    the sampling batch (default: the model's); ``stage`` hears what is being done.
    """
    labels = asked_labels(model, n)
    conditioning = {} if labels is None else {"labels": labels}
    stage("sampling")
    _synchronise(model.device)
    start = time.perf_counter()
    images = model.sample(n, seed=seed, batch_size=batch_size, **conditioning)
    _synchronise(images.device)
    seconds = time.perf_counter() - start
    images = images.cpu()
    stage("quality")
    metrics = image_quality(images, judge, labels, measures)
    if FAMILY in measures and has_family_metrics(model):
        stage("test-set metrics")
        metrics.update(family_metrics(model, judge, n))
    return Measured(metrics, images, seconds)


def has_family_metrics(model: nn.Module) -> bool:
    """Whether the model's family has test-set numbers of its own."""
    return any(callable(getattr(model, hook, None)) for hook in ("evaluation_metrics", "label_keeping_translations"))


def family_metrics(model: nn.Module, judge: Judge, n: int | None = None) -> dict[str, Any]:
    """The family's own numbers on the first ``n`` test images (default: all); NLLs also in bits/dim.

    A translation model's ``label_keeping_translations`` are judged by the
    evaluation network (:func:`translated_label_accuracy`); ``evaluation_metrics``
    gives the rest (reconstruction error, ELBO, NLL, ...).
    """
    test = judge.real_data
    images, labels = test.images[:n], test.labels[:n]
    translations = getattr(model, "label_keeping_translations", None)
    metrics: dict[str, Any] = {
        name: translated_label_accuracy(judge.network, model, inputs, labels, translation)
        for name, (inputs, translation) in (translations(images) if callable(translations) else {}).items()
    }
    if callable(getattr(model, "evaluation_metrics", None)):
        metrics.update(model.evaluation_metrics(images, labels))
    dims = math.prod(model.image_shape)
    for key in NLL_KEYS:
        if key in metrics:
            metrics["bits_per_dim"] = round(metrics[key] / (dims * math.log(2)), 4)
    return metrics


@torch.inference_mode()
def translated_label_accuracy(
    network: nn.Module, model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, translation: Translation
) -> float:
    """Fraction of ``translation(inputs)`` that ``network`` gives ``labels`` (the labels of the images the
    inputs came from); the inputs go through in batches of ``EVAL_BATCH`` on the model's device and dtype."""
    probs = torch.cat([
        classify(network, translation(inputs[start : start + EVAL_BATCH].to(model.device, model.dtype)).float())[0]
        for start in range(0, inputs.shape[0], EVAL_BATCH)
    ])
    return label_accuracy(probs, labels)


def gaussian_stats(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    mean = features.mean(0)
    centred = features - mean
    return mean, centred.T @ centred / (features.shape[0] - 1)


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (float64)."""
    if min(len(a), len(b)) < 2:
        raise ValueError(f"the Fréchet distance needs at least 2 samples per set, got {len(a)} and {len(b)}")
    mu_a, cov_a = gaussian_stats(a.double())
    mu_b, cov_b = gaussian_stats(b.double())
    # trace of sqrtm(cov_a @ cov_b) from the eigenvalues of sqrt(cov_a) cov_b sqrt(cov_a)
    evals_a, evecs_a = torch.linalg.eigh(cov_a)
    sqrt_a = evecs_a @ torch.diag(evals_a.clamp(min=0).sqrt()) @ evecs_a.T
    middle = torch.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a)
    trace_sqrt = middle.clamp(min=0).sqrt().sum()
    value = (mu_a - mu_b).square().sum() + cov_a.trace() + cov_b.trace() - 2 * trace_sqrt
    return float(value)


def _subsets(n: int, count: int, size: int, gen: torch.Generator) -> torch.Tensor:
    """``count`` rows of ``size`` distinct indices below ``n``."""
    return torch.rand(count, n, generator=gen).argsort(dim=1, stable=True)[:, :size]


def _cubic_kernel(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``(x.y / d + 1)^3`` for batches of row sets ``(b, m, d)``."""
    return torch.bmm(x, y.transpose(1, 2)).div_(x.shape[-1]).add_(1).pow_(3)


def kernel_distance(
    a: torch.Tensor,
    b: torch.Tensor,
    subsets: int = KID_SUBSETS,
    subset_size: int = KID_SUBSET_SIZE,
    seed: int = 0,
) -> tuple[float, float]:
    """KID: mean and standard deviation over random subsets of the unbiased MMD^2
    with the cubic polynomial kernel ``(x.y / d + 1)^3`` (float64, subsets from ``seed``)."""
    a, b = a.double(), b.double()
    size = min(subset_size, a.shape[0], b.shape[0])
    if size < 2:
        raise ValueError(f"KID needs at least 2 feature vectors in each set, got {a.shape[0]} and {b.shape[0]}")
    gen = torch.Generator().manual_seed(seed)
    index_a, index_b = _subsets(a.shape[0], subsets, size, gen), _subsets(b.shape[0], subsets, size, gen)
    per_batch = max(1, KERNEL_BATCH // (size * size))
    values = []
    for start in range(0, subsets, per_batch):
        x, y = a[index_a[start : start + per_batch]], b[index_b[start : start + per_batch]]
        k_xx, k_yy = _cubic_kernel(x, x), _cubic_kernel(y, y)
        off_diagonal = k_xx.sum((1, 2)) - k_xx.diagonal(dim1=1, dim2=2).sum(1)
        off_diagonal += k_yy.sum((1, 2)) - k_yy.diagonal(dim1=1, dim2=2).sum(1)
        values.append(off_diagonal / (size * (size - 1)) - 2 * _cubic_kernel(x, y).mean((1, 2)))
    stacked = torch.cat(values)
    return float(stacked.mean()), float(stacked.std()) if subsets > 1 else 0.0


def _kth_neighbour_distance(x: torch.Tensor, k: int) -> torch.Tensor:
    """Distance from each row of ``x`` to its ``k``-th nearest other row."""
    return torch.cat([
        torch.cdist(x[start : start + DISTANCE_CHUNK], x).kthvalue(k + 1, dim=1).values
        for start in range(0, x.shape[0], DISTANCE_CHUNK)
    ])


def _fraction_inside(points: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor) -> float:
    """Fraction of ``points`` inside at least one ball ``(centre, radius)``."""
    inside = torch.cat([
        (torch.cdist(points[start : start + DISTANCE_CHUNK], centres) <= radii).any(1)
        for start in range(0, points.shape[0], DISTANCE_CHUNK)
    ])
    return inside.double().mean().item()


def precision_recall(
    real: torch.Tensor,
    fake: torch.Tensor,
    k: int = PR_NEIGHBOURS,
    samples: int = PR_SAMPLES,
    seed: int = 0,
) -> tuple[float, float]:
    """Improved precision and recall (Kynkaanniemi et al. 2019) on feature vectors.

    Each set's manifold is the union of balls reaching each point's ``k``-th
    nearest neighbour. Precision: the fraction of fake points inside the real
    manifold; recall: the fraction of real points inside the fake one. Both
    sets are cut to the same ``samples`` random rows (chosen from ``seed``).
    """
    size = min(samples, real.shape[0], fake.shape[0])
    if size <= k:
        raise ValueError(f"precision and recall with k={k} need more than {k} feature vectors per set, got {size}")
    gen = torch.Generator().manual_seed(seed)
    real = real.double()[_subsets(real.shape[0], 1, size, gen)[0]]
    fake = fake.double()[_subsets(fake.shape[0], 1, size, gen)[0]]
    precision = _fraction_inside(fake, real, _kth_neighbour_distance(real, k))
    recall = _fraction_inside(real, fake, _kth_neighbour_distance(fake, k))
    return precision, recall
