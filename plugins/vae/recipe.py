"""VAE recipe: maximise the ELBO E_q[log p(x|z)] - KL(q(z|x) || p(z)) with the
reparameterisation z = mean + exp(logvar / 2) * eps; a learned mixture prior is
trained by the same objective.

With ``binarize`` (the default) every batch is binarised afresh, x ~ Bernoulli(pixel),
so the Bernoulli likelihood is a true likelihood; otherwise grey levels are the targets.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.training import Recipe

from .model import VAE


class VAERecipe(Recipe):
    defaults = {"epochs": 20, "batch_size": 128, "lr": 1e-3, "binarize": True}
    model_class = VAE

    def setup(self) -> None:
        self.model = self.model_class(**self.model_config).to(self.device)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.hparams["lr"])
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=self.hparams["epochs"] * self.steps_per_epoch
        )

    def inputs(self, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        """Extra network inputs for a batch (none for the unconditional VAE)."""
        return {}

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        x = torch.bernoulli(images) if self.hparams["binarize"] else images
        inputs = self.inputs(labels)
        mean, logvar, z, logits = self.model(x, **inputs)
        nll = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1).mean()
        kl = self.model.kl_to_prior(mean, logvar, z).mean()
        loss = nll + kl
        self.optimizer.zero_grad(set_to_none=True)
        self.backward(loss)
        self.optimizer_step(self.optimizer)
        self.scheduler.step()
        return {"loss": loss.item(), "recon": nll.item(), "kl": kl.item()}

    def export_model(self) -> VAE:
        return self.model
