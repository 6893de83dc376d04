"""Recipes shared by image-to-image flavours: restoration (:class:`RestorationRecipe`, a pixel loss to the
clean image plus an adversarial one) and unpaired two-domain translation (:class:`UnpairedRecipe`).

Each batch of clean images is degraded by the model's own ``degrade``
(downsampled, masked, ...); the generator restores it. Its loss is
``lambda_pixel`` times the pixel loss (``pixel``: ``l1`` or ``mse``) plus
``lambda_adv`` times the adversarial loss (``loss``, any registered GAN loss)
of a PatchGAN critic that sees restored or clean images (``d_norm``
normalised).
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from zoo.models.translation import PatchDiscriminator
from zoo.train.distributed import unwrap
from zoo.train.gan_objectives import LOSSES
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE, RATE, Bound
from zoo.train.trainer import Recipe

PIXEL_LOSSES = {"l1": F.l1_loss, "mse": F.mse_loss}


class RestorationRecipe(Recipe):
    defaults: dict[str, Any] = {
        "epochs": 1,
        "batch_size": 64,
        "pixel": "l1",
        "lambda_pixel": 1.0,
        "lambda_adv": 0.01,
        "loss": "non-saturating",
        "lr": 2e-4,
        "betas": [0.5, 0.999],
        "d_width": 32,
        "d_norm": "batch",
    }
    bounds = {
        **Recipe.bounds, "pixel": Bound(choices=tuple(PIXEL_LOSSES)), "lambda_pixel": NON_NEGATIVE,
        "lambda_adv": NON_NEGATIVE, "loss": Bound(choices=LOSSES), "lr": RATE, "betas": FRACTION, "d_width": COUNT,
        "d_norm": Bound(choices=("batch", "instance", "none")),
    }
    min_useful_steps = 300

    def setup(self) -> None:
        hp = self.hparams
        self.generator = self.spec.builder()(**self.model_config).to(self.device)
        channels = self.generator.dataset_shape[0]
        self.discriminator = PatchDiscriminator(channels, hp["d_width"], norm=hp["d_norm"]).to(self.device)
        betas = tuple(hp["betas"])
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=hp["lr"], betas=betas)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=hp["lr"], betas=betas)
        self.loss = LOSSES.build(hp["loss"], hp, self.device)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        hp = self.hparams
        model = unwrap(self.generator)
        inputs = model.degrade(images)
        model.keep_examples(inputs)
        target = images * 2 - 1
        fake = self.generator(inputs * 2 - 1)

        loss_d = self.loss.discriminator(self.discriminator(target), self.discriminator(fake.detach()))
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)

        fake_scores = self.discriminator(fake)
        seen = self.discriminator(target).detach() if self.loss.generator_sees_real else None
        adversarial = self.loss.generator(fake_scores, seen)
        pixel = PIXEL_LOSSES[hp["pixel"]](fake, target)
        loss_g = hp["lambda_pixel"] * pixel + hp["lambda_adv"] * adversarial
        self.opt_g.zero_grad(set_to_none=True)
        self.backward(loss_g)
        self.optimizer_step(self.opt_g)
        return {"loss_d": loss_d.item(), "loss_g_adv": adversarial.item(), "pixel": pixel.item()}

    def export_model(self) -> nn.Module:
        return self.generator


class UnpairedRecipe(Recipe):
    """Two generators and two PatchGAN critics on unpaired halves of each batch (DiscoGAN, DualGAN).

    The first half of a batch is domain A (digits as they are), the second is
    coloured into domain B (:func:`~zoo.models.digit_domains.colourise`, from
    the global random generator that the trainer seeds and checkpoints), so no
    digit is seen in both domains. The generators' loss is the adversarial
    loss (``loss``) of both critics plus ``lambda_cycle`` times the
    reconstruction error (``cycle``: ``l1`` or ``mse``) of a2b then b2a and of
    b2a then a2b. ``clip`` > 0 clips the critics' weights to ``[-clip, clip]``
    after each update (WGAN's Lipschitz constraint).
    """

    defaults: dict[str, Any] = {
        "epochs": 1,
        "batch_size": 64,
        "loss": "non-saturating",
        "cycle": "mse",
        "lambda_cycle": 1.0,
        "clip": 0.0,
        "lr": 2e-4,
        "betas": [0.5, 0.999],
        "d_width": 32,
        "d_norm": "batch",
    }
    bounds = {
        **Recipe.bounds, "loss": Bound(choices=LOSSES), "cycle": Bound(choices=tuple(PIXEL_LOSSES)),
        "lambda_cycle": NON_NEGATIVE, "clip": NON_NEGATIVE, "lr": RATE, "betas": FRACTION, "d_width": COUNT,
        "d_norm": Bound(choices=("batch", "instance", "none")),
    }
    min_useful_steps = 500

    def setup(self) -> None:
        hp = self.hparams
        if hp["batch_size"] < 2:
            raise ValueError(f"batch_size must be at least 2 (half domain A, half domain B), got {hp['batch_size']}")
        self.generators = self.spec.builder()(**self.model_config).to(self.device)
        a, b = (self.generators.directions[name][1][0] for name in ("b2a", "a2b"))
        self.critic_a = PatchDiscriminator(a, hp["d_width"], norm=hp["d_norm"]).to(self.device)
        self.critic_b = PatchDiscriminator(b, hp["d_width"], norm=hp["d_norm"]).to(self.device)
        betas = tuple(hp["betas"])
        self.opt_g = torch.optim.Adam(self.generators.parameters(), lr=hp["lr"], betas=betas)
        critics = [*self.critic_a.parameters(), *self.critic_b.parameters()]
        self.opt_d = torch.optim.Adam(critics, lr=hp["lr"], betas=betas)
        self.loss = LOSSES.build(hp["loss"], hp, self.device)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        hp = self.hparams
        half = images.shape[0] // 2
        model = unwrap(self.generators)
        coloured = model.inputs_batch(images[half:], None)
        model.keep_examples(coloured)
        real_a, real_b = images[:half] * 2 - 1, coloured * 2 - 1
        g = self.generators
        fake_b, fake_a = g(real_a, "a2b"), g(real_b, "b2a")

        loss_d = self.loss.discriminator(self.critic_a(real_a), self.critic_a(fake_a.detach()))
        loss_d = loss_d + self.loss.discriminator(self.critic_b(real_b), self.critic_b(fake_b.detach()))
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)
        if hp["clip"] > 0:
            with torch.no_grad():
                for parameter in [*self.critic_a.parameters(), *self.critic_b.parameters()]:
                    parameter.clamp_(-hp["clip"], hp["clip"])

        adversarial = self._generator_loss(self.critic_a, fake_a, real_a) + self._generator_loss(self.critic_b, fake_b, real_b)
        distance = PIXEL_LOSSES[hp["cycle"]]
        cycle_a, cycle_b = distance(g(fake_b, "b2a"), real_a), distance(g(fake_a, "a2b"), real_b)
        loss_g = adversarial + hp["lambda_cycle"] * (cycle_a + cycle_b)
        self.opt_g.zero_grad(set_to_none=True)
        self.backward(loss_g)
        self.optimizer_step(self.opt_g)
        return {"loss_d": loss_d.item(), "loss_g_adv": adversarial.item(), "cycle_a": cycle_a.item(),
                "cycle_b": cycle_b.item()}

    def _generator_loss(self, critic: nn.Module, fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        seen = critic(real).detach() if self.loss.generator_sees_real else None
        return self.loss.generator(critic(fake), seen)

    def export_model(self) -> nn.Module:
        return self.generators
