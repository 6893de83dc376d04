"""How well cluster ids match class labels: purity and accuracy under the best one-to-one matching."""
from __future__ import annotations

import torch


def contingency(ids: torch.Tensor, labels: torch.Tensor, clusters: int, classes: int) -> torch.Tensor:
    """Counts ``(clusters, classes)`` of images per (cluster id, label)."""
    return torch.bincount(ids.long() * classes + labels.long(), minlength=clusters * classes).view(clusters, classes)


def purity(ids: torch.Tensor, labels: torch.Tensor, clusters: int, classes: int) -> float:
    """The fraction of images whose label is their cluster's most common label."""
    return contingency(ids, labels, clusters, classes).max(1).values.sum().item() / len(ids)


def matched_accuracy(ids: torch.Tensor, labels: torch.Tensor, clusters: int, classes: int) -> float:
    """Clustering accuracy: the fraction of images labelled right when each cluster names one class and
    no two clusters name the same one, under the best such matching (exact, by dynamic programming
    over the sets of classes taken; for up to ~16 classes)."""
    counts = contingency(ids, labels, clusters, classes).tolist()
    best = {0: 0}  # set of classes taken (a bit mask) -> most images matched so far
    for row in counts:
        grown = dict(best)  # a cluster may stay unmatched when there are more clusters than classes
        for taken, total in best.items():
            for c in range(classes):
                if not taken >> c & 1:
                    key = taken | 1 << c
                    grown[key] = max(grown.get(key, 0), total + row[c])
        best = grown
    return max(best.values()) / len(ids)
