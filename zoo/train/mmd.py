"""Maximum mean discrepancy between two samples of codes, the divergence of WAE-MMD and InfoVAE."""
from __future__ import annotations

import torch


def mmd(a: torch.Tensor, b: torch.Tensor, scales: tuple[float, ...] = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)) -> torch.Tensor:
    """Unbiased MMD^2 of samples ``a`` and ``b`` ``(n, dim)`` under inverse multiquadratic kernels
    k(x, y) = C / (C + ||x - y||^2) with C = 2 * dim * scale, summed over ``scales``
    (Tolstikhin et al. 2018, for codes whose prior is N(0, I))."""
    n, dim = a.shape
    both = torch.cat([a, b])
    distances = torch.cdist(both, both).square()
    kernel = sum(2 * dim * s / (2 * dim * s + distances) for s in scales)
    off_diagonal = 1 - torch.eye(2 * n, device=a.device, dtype=a.dtype)
    kernel = kernel * off_diagonal
    within = (kernel[:n, :n].sum() + kernel[n:, n:].sum()) / (n * (n - 1))
    across = kernel[:n, n:].mean()
    return within - 2 * across
