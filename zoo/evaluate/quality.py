"""Sample quality measured with the zoo's own MNIST classifier.

- class coverage: how many classes are predicted at least once (mode collapse);
- KL(class histogram || uniform), in nats;
- confident fraction: samples whose top class probability exceeds 0.9;
- FID on the classifier's 128-d features against the real test set;
- KID (Binkowski et al. 2018) and k-NN precision and recall (Kynkaanniemi
  et al. 2019) on the same features.
"""
from __future__ import annotations

from typing import Any

import torch

CLASSIFIER = "mnist-classifier"
CONFIDENCE = 0.9
KID_SUBSETS = 100
KID_SUBSET_SIZE = 1000
PR_NEIGHBOURS = 3
PR_SAMPLES = 5000
DISTANCE_CHUNK = 1000  # rows per block of pairwise distances
KERNEL_BATCH = 10_000_000  # kernel entries per batch of KID subsets (80 MB in float64)


def load_classifier(device: str | torch.device | None = None) -> torch.nn.Module:
    from zoo.hub.load import load

    return load(CLASSIFIER, device=device)


@torch.inference_mode()
def classify(classifier: torch.nn.Module, images: torch.Tensor, batch_size: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """Softmax probabilities ``(n, 10)`` and features ``(n, 128)`` for images in [0, 1]."""
    device = next(classifier.parameters()).device
    probs, feats = [], []
    for start in range(0, images.shape[0], batch_size):
        batch = images[start : start + batch_size].to(device)
        features = classifier.features(batch)
        probs.append(classifier.head(features).softmax(1).float().cpu())
        feats.append(features.double().cpu())
    return torch.cat(probs), torch.cat(feats)


def class_stats(probs: torch.Tensor, classes: int = 10) -> dict[str, float]:
    """Coverage, KL to uniform and confident fraction from class probabilities."""
    predicted = probs.argmax(1)
    histogram = torch.bincount(predicted, minlength=classes).double() / predicted.numel()
    nonzero = histogram > 0
    kl = (histogram[nonzero] * (histogram[nonzero] * classes).log()).sum().item()
    return {
        "class_coverage": int(nonzero.sum().item()),
        "kl_to_uniform": round(kl, 4),
        "confident_fraction": round((probs.max(1).values > CONFIDENCE).double().mean().item(), 4),
    }


def gaussian_stats(features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    mean = features.mean(0)
    centred = features - mean
    return mean, centred.T @ centred / (features.shape[0] - 1)


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (float64)."""
    mu_a, cov_a = gaussian_stats(a.double())
    mu_b, cov_b = gaussian_stats(b.double())
    # trace of sqrtm(cov_a @ cov_b) from the eigenvalues of sqrt(cov_a) cov_b sqrt(cov_a)
    evals_a, evecs_a = torch.linalg.eigh(cov_a)
    sqrt_a = evecs_a @ torch.diag(evals_a.clamp(min=0).sqrt()) @ evecs_a.T
    middle = torch.linalg.eigvalsh(sqrt_a @ cov_b @ sqrt_a)
    trace_sqrt = middle.clamp(min=0).sqrt().sum()
    value = (mu_a - mu_b).square().sum() + cov_a.trace() + cov_b.trace() - 2 * trace_sqrt
    return float(value)


def sample_quality(
    images: torch.Tensor,
    reference: torch.Tensor,
    classifier: torch.nn.Module,
    labels: torch.Tensor | None = None,
) -> dict[str, Any]:
    """All classifier-based metrics of ``images`` against real ``reference`` images."""
    probs, feats = classify(classifier, images)
    _, ref_feats = classify(classifier, reference)
    result: dict[str, Any] = class_stats(probs)
    result["fid"] = round(frechet_distance(feats, ref_feats), 3)
    if labels is not None:
        result["label_accuracy"] = round((probs.argmax(1) == labels.cpu()).double().mean().item(), 4)
    return result


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
