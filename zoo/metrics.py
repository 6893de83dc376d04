"""Sample quality measured with the zoo's own MNIST classifier.

- class coverage: how many classes are predicted at least once (mode collapse);
- KL(class histogram || uniform), in nats;
- confident fraction: samples whose top class probability exceeds 0.9;
- FID on the classifier's 128-d features against the real test set.
"""
from __future__ import annotations

from typing import Any

import torch

CLASSIFIER = "mnist-classifier"
CONFIDENCE = 0.9


def load_classifier(device: str | torch.device | None = None) -> torch.nn.Module:
    from .loading import load

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
