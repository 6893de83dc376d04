"""EBGAN's margin loss as a registered GAN loss."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.train.gan_objectives import LOSSES, GANLoss, Scores


@LOSSES.register("energy-margin")
class EnergyMarginLoss(GANLoss):
    """Scores are energies D(x) >= 0. The discriminator minimises D(x) + max(0, ``margin`` - D(G(z))),
    the generator D(G(z)) (Zhao et al. 2017, eq. 1-2)."""

    settings = ("margin",)

    def __init__(self, margin: float = 0.5) -> None:
        super().__init__()
        self.margin = margin

    def discriminator(self, real: Scores, fake: Scores) -> torch.Tensor:
        return real.mean() + F.relu(self.margin - fake).mean()

    def generator(self, fake: Scores, real: Scores | None = None) -> torch.Tensor:
        return fake.mean()


def pulling_away(codes: torch.Tensor) -> torch.Tensor:
    """The mean squared cosine similarity between the codes of different images of a batch
    (Zhao et al. 2017, eq. 6): low when the fakes' codes point in different directions."""
    unit = F.normalize(codes.flatten(1), dim=1)
    n = unit.shape[0]
    if n < 2:
        return unit.new_zeros(())
    similarity = (unit @ unit.T).square()
    return (similarity.sum() - similarity.diagonal().sum()) / (n * (n - 1))
