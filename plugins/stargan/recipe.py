"""StarGAN recipe (Choi et al. 2018).

Each digit of a batch is drawn in a random domain (global random generator,
seeded and checkpointed by the trainer) and sent to another random domain.
The critic (a PatchGAN trunk with a domain-classification head) learns
real/fake (``loss``) and the domain of real images (cross-entropy, weight
``lambda_cls``); the generator fools it, makes its outputs classified as
their target domain and reconstructs the input when sent back to its own
domain (L1, ``lambda_rec``). The paper's WGAN-GP loss is replaced by the
least-squares loss by default (``--set loss=wasserstein`` plus a penalty is
not offered here).
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from zoo.train.distributed import unwrap
from zoo.train.gan_objectives import LOSSES
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE, RATE, Bound
from zoo.train.trainer import Recipe

from .model import DOMAINS, render


class DomainCritic(nn.Module):
    """3-channel 28x28 images in ``[-1, 1]`` -> (real/fake scores ``(N, 7, 7)``, domain logits ``(N, domains)``)."""

    def __init__(self, domains: int, width: int = 32) -> None:
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Conv2d(3, width, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(width, 2 * width, 4, 2, 1), nn.LeakyReLU(0.2, inplace=True),
        )
        self.source = nn.Conv2d(2 * width, 1, 3, 1, 1)
        self.domain = nn.Conv2d(2 * width, domains, 7)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.trunk(x)
        return self.source(features).squeeze(1), self.domain(features).flatten(1)


class StarGANRecipe(Recipe):
    defaults: dict[str, Any] = {
        "epochs": 1,
        "batch_size": 64,
        "loss": "least-squares",
        "lambda_cls": 1.0,
        "lambda_rec": 10.0,
        "lr": 2e-4,
        "betas": [0.5, 0.999],
        "d_width": 32,
    }
    bounds = {**Recipe.bounds, "loss": Bound(choices=LOSSES), "lambda_cls": NON_NEGATIVE, "lambda_rec": NON_NEGATIVE,
              "lr": RATE, "betas": FRACTION, "d_width": COUNT}
    min_useful_steps = 500

    def setup(self) -> None:
        hp = self.hparams
        self.generator = self.spec.builder()(**self.model_config).to(self.device)
        self.critic = DomainCritic(len(DOMAINS), hp["d_width"]).to(self.device)
        betas = tuple(hp["betas"])
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=hp["lr"], betas=betas)
        self.opt_d = torch.optim.Adam(self.critic.parameters(), lr=hp["lr"], betas=betas)
        self.loss = LOSSES.build(hp["loss"], hp, self.device)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        hp = self.hparams
        n = images.shape[0]
        source = torch.randint(0, len(DOMAINS), (n,))
        target = (source + torch.randint(1, len(DOMAINS), (n,))) % len(DOMAINS)
        real_images = render(images, source)
        unwrap(self.generator).keep_examples(real_images)
        source, target = source.to(self.device), target.to(self.device)
        real = real_images * 2 - 1
        fake = self.generator(real, target)

        real_scores, real_domains = self.critic(real)
        fake_scores, _ = self.critic(fake.detach())
        domain_loss = F.cross_entropy(real_domains, source)
        loss_d = self.loss.discriminator(real_scores, fake_scores) + hp["lambda_cls"] * domain_loss
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)

        fake_scores, fake_domains = self.critic(fake)
        seen = self.critic(real)[0].detach() if self.loss.generator_sees_real else None
        adversarial = self.loss.generator(fake_scores, seen)
        target_loss = F.cross_entropy(fake_domains, target)
        reconstruction = (self.generator(fake, source) - real).abs().mean()
        loss_g = adversarial + hp["lambda_cls"] * target_loss + hp["lambda_rec"] * reconstruction
        self.opt_g.zero_grad(set_to_none=True)
        self.backward(loss_g)
        self.optimizer_step(self.opt_g)
        return {"loss_d": loss_d.item(), "loss_g_adv": adversarial.item(), "domain": domain_loss.item(),
                "target_domain": target_loss.item(), "reconstruction": reconstruction.item()}

    def export_model(self) -> nn.Module:
        return self.generator
