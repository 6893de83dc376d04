"""BicycleGAN recipe (Zhu et al. 2017).

Each training digit is drawn with a random stroke weight (thin, as drawn or
thick: global random generator, seeded and checkpointed by the trainer); its
input is the edge map of the digit as drawn, so the weight is what the code
must carry. cVAE-GAN: an encoder gives the target's code (reparametrised, KL
``lambda_kl``), the generator rebuilds the target from edge map and code (L1,
``lambda_l1``) and fools a conditional PatchGAN critic. cLR-GAN: a random
code's output fools the critic too, and the encoder must recover that code
from it (L1, ``lambda_latent``; only the generator learns from this term, as
in the paper). One critic judges both (the paper uses two).
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from zoo.models.digit_domains import edges, thick, thin
from zoo.models.translation import PatchDiscriminator
from zoo.train.distributed import unwrap
from zoo.train.gan_objectives import LOSSES
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE, RATE
from zoo.train.trainer import Recipe

from .model import CodeEncoder


def stroke_weights(digits: torch.Tensor) -> torch.Tensor:
    """Each digit thin, as drawn or thick, at random (global random generator)."""
    choice = torch.randint(0, 3, (digits.shape[0],)).to(digits.device).view(-1, 1, 1, 1)
    return torch.where(choice == 0, thin(digits), torch.where(choice == 1, digits, thick(digits)))


class BicycleGANRecipe(Recipe):
    defaults: dict[str, Any] = {
        "epochs": 1,
        "batch_size": 64,
        "lambda_l1": 10.0,
        "lambda_kl": 0.01,
        "lambda_latent": 0.5,
        "lr": 2e-4,
        "betas": [0.5, 0.999],
        "d_width": 32,
        "e_width": 32,
    }
    bounds = {**Recipe.bounds, "lambda_l1": NON_NEGATIVE, "lambda_kl": NON_NEGATIVE, "lambda_latent": NON_NEGATIVE,
              "lr": RATE, "betas": FRACTION, "d_width": COUNT, "e_width": COUNT}
    min_useful_steps = 500

    def setup(self) -> None:
        hp = self.hparams
        self.generator = self.spec.builder()(**self.model_config).to(self.device)
        self.encoder = CodeEncoder(self.generator.style_dim, hp["e_width"]).to(self.device)
        self.critic = PatchDiscriminator(2, hp["d_width"], norm="instance").to(self.device)
        betas = tuple(hp["betas"])
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=hp["lr"], betas=betas)
        self.opt_e = torch.optim.Adam(self.encoder.parameters(), lr=hp["lr"], betas=betas)
        self.opt_d = torch.optim.Adam(self.critic.parameters(), lr=hp["lr"], betas=betas)
        self.loss = LOSSES.build("least-squares", {}, self.device)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        hp = self.hparams
        source_images = edges(images)
        unwrap(self.generator).keep_examples(source_images)
        source, target = source_images * 2 - 1, stroke_weights(images) * 2 - 1
        mean, log_var = self.encoder(target)
        encoded = mean + torch.randn_like(mean) * (0.5 * log_var).exp()
        rebuilt = self.generator(source, encoded)
        random_code = torch.randn_like(mean)
        drawn = self.generator(source, random_code)

        loss_d = (self.loss.discriminator(self.critic(source, target), self.critic(source, rebuilt.detach()))
                  + self.loss.discriminator(self.critic(source, target), self.critic(source, drawn.detach())))
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)

        adversarial = self.loss.generator(self.critic(source, rebuilt)) + self.loss.generator(self.critic(source, drawn))
        l1 = (rebuilt - target).abs().mean()
        divergence = 0.5 * (mean.square() + log_var.exp() - 1 - log_var).sum(1).mean()
        self.encoder.requires_grad_(False)  # the latent term trains only the generator
        recovered, _ = self.encoder(drawn)
        self.encoder.requires_grad_(True)
        latent = (recovered - random_code).abs().mean()
        loss_ge = adversarial + hp["lambda_l1"] * l1 + hp["lambda_kl"] * divergence + hp["lambda_latent"] * latent
        self.opt_g.zero_grad(set_to_none=True)
        self.opt_e.zero_grad(set_to_none=True)
        self.backward(loss_ge)
        self.optimizer_step(self.opt_e)
        self.optimizer_step(self.opt_g)
        return {"loss_d": loss_d.item(), "loss_g_adv": adversarial.item(), "l1": l1.item(), "kl": divergence.item(),
                "latent": latent.item()}

    def export_model(self) -> nn.Module:
        return self.generator
