"""DCGAN recipe: non-saturating GAN loss, Adam(2e-4, 0.5, 0.999), one-sided label
smoothing, and an exponential moving average of the generator (the published weights)."""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from zoo.training import Recipe, ema_update

from .model import DCGANDiscriminator, DCGANGenerator


class DCGANRecipe(Recipe):
    defaults = {
        "epochs": 20,
        "batch_size": 64,
        "lr_g": 2e-4,
        "lr_d": 2e-4,
        "betas": [0.5, 0.999],
        "real_label": 0.9,
        "ema_decay": 0.999,
    }

    def setup(self) -> None:
        cfg, hp = self.model_config, self.hparams
        self.generator = DCGANGenerator(**cfg).to(self.device)
        self.discriminator = DCGANDiscriminator(cfg["width"], cfg["channels"]).to(self.device)
        self.ema = copy.deepcopy(self.generator).eval().requires_grad_(False)
        betas = tuple(hp["betas"])
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=hp["lr_g"], betas=betas)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=hp["lr_d"], betas=betas)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        real = images * 2 - 1
        n = real.shape[0]
        z = torch.randn(n, self.generator.latent_dim, device=self.device)
        fake = self.generator(z)

        real_logits = self.discriminator(real)
        fake_logits = self.discriminator(fake.detach())
        loss_d = F.binary_cross_entropy_with_logits(
            real_logits, torch.full_like(real_logits, self.hparams["real_label"])
        ) + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()

        gen_logits = self.discriminator(fake)
        loss_g = F.binary_cross_entropy_with_logits(gen_logits, torch.ones_like(gen_logits))
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()
        ema_update(self.ema, self.generator, self.hparams["ema_decay"])
        return {"loss_d": loss_d.item(), "loss_g": loss_g.item()}

    def export_model(self) -> DCGANGenerator:
        return self.ema
