"""VQ-VAE recipe (van den Oord et al. 2017), per batch:

1. the autoencoder minimises the pixel cross-entropy of the reconstruction through the quantised grid
   (straight-through gradients to the encoder), plus the code-book term ||sg[e(x)] - q||^2 and
   ``commitment`` times ||e(x) - sg[q]||^2; code-book entries left unused for a few epochs restart at
   encoder outputs of the batch;
2. the transformer prior learns to predict the batch's index grid (cross-entropy), on indices of the
   current encoder, so it follows the code book as it settles.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from zoo.train.settings import NON_NEGATIVE, RATE
from zoo.train.trainer import Recipe

from .model import VQVAE

DEAD = 0.03  # an entry used once decays below this after about 3.5 epochs without use


class CodeUsage(nn.Module):
    """Uses of each code-book entry, decayed by 1 - 1/steps_per_epoch per step (checkpointed with the run)."""

    def __init__(self, entries: int) -> None:
        super().__init__()
        self.register_buffer("counts", torch.zeros(entries))


class VQVAERecipe(Recipe):
    defaults = {"epochs": 10, "batch_size": 128, "lr": 1e-3, "lr_prior": 1e-3, "commitment": 0.25}
    bounds = {**Recipe.bounds, "lr": RATE, "lr_prior": RATE, "commitment": NON_NEGATIVE}
    min_useful_steps = 2000

    def setup(self) -> None:
        self.model = VQVAE(**self.model_config).to(self.device)
        autoencoder = [p for name, p in self.model.named_parameters() if not name.startswith("prior.")]
        self.optimizer = torch.optim.Adam(autoencoder, lr=self.hparams["lr"])
        self.opt_prior = torch.optim.Adam(self.model.prior.parameters(), lr=self.hparams["lr_prior"])
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=self.hparams["epochs"] * self.steps_per_epoch
        )
        self.usage = CodeUsage(self.model.codebook.num_embeddings).to(self.device)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        model = self.model
        vectors = model.encode_grid(images)
        indices = model.nearest(vectors.detach())
        quantised = model.lookup(indices)
        straight = vectors + (quantised - vectors).detach()
        recon = F.binary_cross_entropy_with_logits(model.decode_logits(straight), images, reduction="none")
        recon = recon.flatten(1).sum(1).mean()
        codebook = (quantised - vectors.detach()).square().sum(1).mean()
        commit = (vectors - quantised.detach()).square().sum(1).mean()
        loss = recon + codebook + self.hparams["commitment"] * commit
        self.optimizer.zero_grad(set_to_none=True)
        self.backward(loss)
        self.optimizer_step(self.optimizer)
        self.restart_unused(indices, vectors.detach())

        prior = F.cross_entropy(model.prior(indices), indices)
        self.opt_prior.zero_grad(set_to_none=True)
        self.backward(prior)
        self.optimizer_step(self.opt_prior)
        return {"recon": recon.item(), "codebook": codebook.item(), "prior_nats": prior.item() * indices[0].numel()}

    @torch.no_grad()
    def restart_unused(self, indices: torch.Tensor, vectors: torch.Tensor) -> None:
        """Count each entry's use over the last epoch's steps; move entries unused that long to encoder outputs."""
        counts = self.usage.counts
        counts.mul_(1 - 1 / self.steps_per_epoch).index_add_(
            0, indices.flatten(), torch.ones(indices.numel(), device=counts.device)
        )
        dead = (counts < DEAD).nonzero().flatten()
        if len(dead):
            cells = vectors.permute(0, 2, 3, 1).reshape(-1, vectors.shape[1])
            pick = torch.randint(0, cells.shape[0], (len(dead),), device=self.device)
            self.model.codebook.weight[dead] = cells[pick]
            counts[dead] = 1.0

    def export_model(self) -> VQVAE:
        return self.model
