"""The BEGAN objective as a registered GAN loss with its balance ``k`` as checkpointed state."""
from __future__ import annotations

import torch

from zoo.train.gan_objectives import LOSSES, GANLoss, Scores


@LOSSES.register("began")
class BEGANLoss(GANLoss):
    """Scores are the critic's per-image reconstruction errors L. The discriminator minimises
    L(x) - k L(G(z)), the generator L(G(z)); after each discriminator update
    k <- clip(k + ``lambda_k`` (``gamma`` L(x) - L(G(z))), 0, 1) keeps E[L(G(z))] = ``gamma`` E[L(x)].
    ``k`` and the convergence measure M = L(x) + |``gamma`` L(x) - L(G(z))| are buffers, so a
    checkpoint holds them and a resumed run carries on with the same balance."""

    settings = ("gamma", "lambda_k")

    def __init__(self, gamma: float = 0.5, lambda_k: float = 0.001) -> None:
        super().__init__()
        self.gamma = gamma
        self.lambda_k = lambda_k
        self.register_buffer("k", torch.zeros(()))
        self.register_buffer("convergence", torch.zeros(()))

    def discriminator(self, real: Scores, fake: Scores) -> torch.Tensor:
        real_error, fake_error = real.mean(), fake.mean()
        loss = real_error - self.k.clone() * fake_error
        with torch.no_grad():
            balance = self.gamma * real_error - fake_error
            self.k.add_(self.lambda_k * balance).clamp_(0.0, 1.0)
            self.convergence.copy_(real_error + balance.abs())
        return loss

    def generator(self, fake: Scores, real: Scores | None = None) -> torch.Tensor:
        return fake.mean()

    def logs(self) -> dict[str, float]:
        return {"k": float(self.k), "convergence_M": float(self.convergence)}
