"""The toy autoencoder and its recipe (SGD with momentum on the squared error)."""
from __future__ import annotations

import torch
from torch import nn

from zoo.train.settings import RATE
from zoo.train.trainer import Recipe


class ToyAutoencoder(nn.Module):
    def __init__(self, hidden: int = 32, code: int = 4) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.Tanh(), nn.Linear(hidden, code))
        self.decoder = nn.Sequential(nn.Linear(code, hidden), nn.Tanh(), nn.Linear(hidden, 784), nn.Sigmoid())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x)).view(-1, 1, 28, 28)


class ToyRecipe(Recipe):
    defaults = {"epochs": 2, "batch_size": 32, "lr": 0.5}
    bounds = {**Recipe.bounds, "lr": RATE}

    def setup(self) -> None:
        self.model = ToyAutoencoder(**self.model_config).to(self.device)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=self.hparams["lr"], momentum=0.9)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        loss = (self.model(images) - images).square().mean()
        self.optimizer.zero_grad(set_to_none=True)
        self.backward(loss)
        self.optimizer_step(self.optimizer)
        return {"loss": loss.item()}

    def export_model(self) -> nn.Module:
        return self.model
