"""beta-TCVAE recipe (Chen et al. 2018). The KL term of the ELBO splits, averaged over the data, into
index-code mutual information, total correlation TC = KL(q(z) || prod_d q(z_d)) and dimension-wise KL;
the loss is the ELBO plus (``beta`` - 1) TC, so only the dependence between code dimensions is
penalised harder. log q(z) and log q(z_d) are estimated over the batch by minibatch-weighted sampling:
log q(z_i) ~ logsumexp_j log q(z_i | x_j) - log(N M), N the training images, M the batch.
"""
from __future__ import annotations

import math

import torch

from zoo.models.vae import LOG_2PI
from zoo.train.settings import NON_NEGATIVE
from zoo.train.vae import VAERecipe

TRAINING_IMAGES = 60000  # N of the estimate (MNIST's training split)


def total_correlation(mean: torch.Tensor, logvar: torch.Tensor, z: torch.Tensor, images: int) -> torch.Tensor:
    """Minibatch-weighted estimate of KL(q(z) || prod_d q(z_d)) from a batch's posteriors and codes."""
    batch = z.shape[0]
    pairs = -0.5 * ((z[:, None] - mean[None]).square() / logvar.exp()[None] + logvar[None] + LOG_2PI)  # (i, j, d)
    log_norm = math.log(images * batch)
    log_qz = pairs.sum(2).logsumexp(1) - log_norm
    log_prod = (pairs.logsumexp(1) - log_norm).sum(1)
    return (log_qz - log_prod).mean()


class BetaTCVAERecipe(VAERecipe):
    defaults = {**VAERecipe.defaults, "epochs": 20, "iw_samples": 1, "beta": 6.0}
    bounds = {**VAERecipe.bounds, "beta": NON_NEGATIVE}

    def regulariser(self, mean: torch.Tensor, logvar: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
        tc = total_correlation(mean, logvar, z, max(TRAINING_IMAGES, z.shape[0]))
        return (self.hparams["beta"] - 1) * tc, {"tc": tc.item()}
