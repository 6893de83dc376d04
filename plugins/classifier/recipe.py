"""Training recipe for the evaluation networks: Adam + cross-entropy with small random shifts
(and, with ``flip``, left-right mirroring, for pictures that have no handedness, such as clothing)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.train.trainer import Recipe
from zoo.train.settings import RATE

from .model import DigitClassifier


def random_shift(x: torch.Tensor, max_shift: int = 2) -> torch.Tensor:
    """Translate each image by up to ``max_shift`` pixels (zero padding)."""
    n = x.shape[0]
    padded = F.pad(x, [max_shift] * 4)
    dx = torch.randint(0, 2 * max_shift + 1, (n,))
    dy = torch.randint(0, 2 * max_shift + 1, (n,))
    rows = (dy.view(n, 1) + torch.arange(28).view(1, 28)).view(n, 1, 28, 1).expand(n, 1, 28, padded.shape[3])
    cropped = padded.gather(2, rows.to(x.device))
    cols = (dx.view(n, 1) + torch.arange(28).view(1, 28)).view(n, 1, 1, 28).expand(n, 1, 28, 28)
    return cropped.gather(3, cols.to(x.device))


def random_flip(x: torch.Tensor) -> torch.Tensor:
    """Mirror a random half of the images left to right."""
    mirrored = torch.rand(x.shape[0], device=x.device) < 0.5
    return torch.where(mirrored.view(-1, 1, 1, 1), x.flip(3), x)


class ClassifierRecipe(Recipe):
    defaults = {"epochs": 4, "batch_size": 128, "lr": 1e-3, "flip": False}
    bounds = {**Recipe.bounds, "lr": RATE}
    min_useful_steps = 200

    def setup(self) -> None:
        self.model = DigitClassifier(**self.model_config).to(self.device)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.hparams["lr"])
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=self.hparams["epochs"] * self.steps_per_epoch
        )

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        if self.hparams["flip"]:
            images = random_flip(images)
        logits = self.model(random_shift(images))
        loss = F.cross_entropy(logits, labels)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return {"loss": loss.item(), "acc": (logits.argmax(1) == labels).float().mean().item()}

    def export_model(self) -> torch.nn.Module:
        return self.model
