"""The recipe of the MLP autoencoder flavours: squared error ||x - dec(enc(x))||^2, Adam, cosine learning rate.

Subclasses change what the encoder sees (``corrupt``) or add a penalty on the
code (``penalty``). At export the code prior is fitted to the codes, under the
final weights, of the most recent training images.
"""
from __future__ import annotations

import warnings
from typing import Sequence

import torch
from torch import nn

from zoo.models.mlp_autoencoder import MLPAutoencoder
from zoo.train.distributed import unwrap
from zoo.train.trainer import Recipe
from zoo.train.settings import COUNT, RATE


class RecentRows(nn.Module):
    """The last ``capacity`` rows (training images, codes) seen, in a ring buffer (checkpointed with the run)."""

    def __init__(self, capacity: int, row_shape: Sequence[int]) -> None:
        super().__init__()
        self.register_buffer("buffer", torch.zeros(capacity, *row_shape))
        self.register_buffer("seen", torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def add(self, rows: torch.Tensor) -> None:
        capacity = self.buffer.shape[0]
        rows = rows[-capacity:]
        index = (self.seen + torch.arange(rows.shape[0], device=self.seen.device)) % capacity
        self.buffer[index] = rows.to(self.buffer.dtype)
        self.seen += rows.shape[0]

    def rows(self) -> torch.Tensor:
        return self.buffer[: min(int(self.seen), self.buffer.shape[0])]


def fit_code_prior(model: nn.Module, images: torch.Tensor) -> None:
    """Fit ``model.code_prior`` (if it has one) to the codes of ``images`` under the model's weights; with fewer
    codes than mixture components it is left unfitted, with a warning."""
    if model.code_prior is None:
        return
    with torch.no_grad():
        codes = torch.cat([model.encode_batch(x) for x in images.split(1000)])
    components = getattr(model.code_prior, "components", 1)
    if codes.shape[0] < components:
        warnings.warn(f"the code prior is left unfitted: {codes.shape[0]} training codes for {components} "
                      "mixture components", stacklevel=3)  # the caller of export_model
        return
    model.code_prior.fit(codes)


class AutoencoderRecipe(Recipe):
    defaults = {"epochs": 8, "batch_size": 128, "lr": 1e-3, "prior_images": 10000}
    bounds = {**Recipe.bounds, "lr": RATE, "prior_images": COUNT}
    min_useful_steps = 500
    model_class = MLPAutoencoder

    def setup(self) -> None:
        self.model = self.model_class(**self.model_config).to(self.device)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.hparams["lr"])
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=self.hparams["epochs"] * self.steps_per_epoch
        )
        self.recent = RecentRows(self.hparams["prior_images"], self.model.image_shape).to(self.device)

    def corrupt(self, images: torch.Tensor) -> torch.Tensor:
        """What the encoder sees; the decoder must still give back ``images``."""
        return images

    def penalty(self, codes: torch.Tensor) -> torch.Tensor:
        """A regulariser on the codes, averaged over the batch."""
        return codes.new_zeros(())

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        codes, logits = self.model(self.corrupt(images))
        error = (torch.sigmoid(logits) - images).square().flatten(1).sum(1).mean()
        penalty = self.penalty(codes)
        loss = error + penalty
        self.optimizer.zero_grad(set_to_none=True)
        self.backward(loss)
        self.optimizer_step(self.optimizer)
        self.recent.add(images)
        return {"loss": loss.item(), "mse": error.item() / images[0].numel(), "penalty": penalty.item()}

    def export_model(self) -> MLPAutoencoder:
        """The model, its code prior (if it has one) fitted to the codes of the kept training images."""
        model = unwrap(self.model)
        fit_code_prior(model, self.recent.rows())
        return model
