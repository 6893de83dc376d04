"""Self-conditioned GANs (Liu et al. 2020): k-means clusters of the training images as pseudo-labels."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.layers import one_hot
from zoo.models.noise import SampleNoise

KMEANS_ITERATIONS = 30
ASSIGN_CHUNK = 4096  # images per block of distances to the centroids


class SelfConditioned:
    """What a generator that can be self-conditioned offers its training recipe.

    A self-conditioned generator takes the id of a k-means cluster of the training
    images as its ``labels`` and, when sampling, draws the ids in proportion to the
    clusters' sizes. The recipe fits the clusters (:class:`ClusterCodebook`) and
    hands their sizes over with :meth:`set_cluster_sizes`. A module mixing this in
    calls :meth:`register_clusters` in its ``__init__``.
    """

    clusters: int = 0

    def register_clusters(self, clusters: int) -> None:
        """Condition on ``clusters`` ids (0: not self-conditioned), drawn uniformly until sizes are set."""
        self.clusters = clusters
        if clusters:
            self.register_buffer("cluster_weights", torch.full((clusters,), 1.0 / clusters))

    def cluster_count(self) -> int:
        """How many clusters the generator is conditioned on; 0 when it is not self-conditioned."""
        return self.clusters

    @torch.no_grad()
    def set_cluster_sizes(self, sizes: torch.Tensor) -> None:
        """Draw the cluster ids of samples in proportion to ``sizes`` (one count per cluster)."""
        self.cluster_weights.copy_(sizes / sizes.sum())

    def join_cluster_ids(self, z: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
        """The noise with the one-hot cluster ids appended (unchanged when not self-conditioned)."""
        return torch.cat([z, one_hot(labels, self.clusters, z)], 1) if self.clusters else z

    def draw_cluster_ids(self, noise: SampleNoise) -> torch.Tensor | None:
        """One cluster id per image, in proportion to the clusters' sizes (None when not self-conditioned)."""
        if not self.clusters:
            return None
        return noise.choice(self.cluster_weights.float())


class ClusterCodebook(nn.Module):
    """``clusters`` centroids of flattened images, fitted by k-means, stored as buffers
    (so a recipe's checkpoint keeps them and a resumed run assigns the same ids)."""

    def __init__(self, clusters: int, image_size: int) -> None:
        super().__init__()
        self.register_buffer("centroids", torch.zeros(clusters, image_size))
        self.register_buffer("sizes", torch.zeros(clusters))

    @torch.no_grad()
    def assign(self, images: torch.Tensor) -> torch.Tensor:
        """The id of the nearest centroid for each image ``(n, ...)``."""
        points = images.flatten(1).to(self.centroids)
        return torch.cat(
            [torch.cdist(chunk, self.centroids).argmin(1) for chunk in points.split(ASSIGN_CHUNK)]
        ).to(images.device)

    def _seed_centroids(self, points: torch.Tensor, generator: torch.Generator | None) -> None:
        """k-means++ (Arthur and Vassilvitskii 2007): each next centroid is an image drawn
        with probability proportional to its squared distance to the nearest centroid so far."""
        pick = int(torch.randint(points.shape[0], (1,), generator=generator))
        nearest = torch.full((points.shape[0],), float("inf"), dtype=points.dtype)
        for k in range(self.centroids.shape[0]):
            self.centroids[k] = points[pick]
            nearest = torch.minimum(nearest, (points - points[pick]).square().sum(1))
            weights = nearest if nearest.sum() > 0 else torch.ones_like(nearest)
            pick = int(torch.multinomial(weights, 1, generator=generator))

    @torch.no_grad()
    def fit(self, images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """k-means (Lloyd's iterations from a k-means++ start); returns the ids of ``images``.

        Clusters left empty restart at the images farthest from their centroids.
        With fewer distinct images than clusters some clusters stay empty (size 0).
        """
        points = images.flatten(1).to(self.centroids)
        count = self.centroids.shape[0]
        self._seed_centroids(points, generator)
        for _ in range(KMEANS_ITERATIONS):
            ids = self.assign(points)
            sizes = torch.bincount(ids, minlength=count)
            means = torch.zeros_like(self.centroids).index_add_(0, ids, points) / sizes.clamp(min=1).unsqueeze(1)
            empty = (sizes == 0).nonzero().flatten()[: points.shape[0]]
            if empty.numel():
                distances = (points - self.centroids[ids]).square().sum(1)
                means[empty] = points[distances.topk(empty.numel()).indices]
            self.centroids.copy_(means)
        ids = self.assign(points)
        self.sizes.copy_(torch.bincount(ids, minlength=count))
        return ids.to(images.device)
