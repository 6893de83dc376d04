"""CycleGAN recipe (Zhu et al. 2017) on unpaired halves of each batch.

The first half of a batch is domain A (MNIST digits as they are), the second
half is restyled into domain B (:func:`zoo.models.digit_domains.colourise`, from the global random
generator that the Trainer seeds and checkpoints), so no image is seen in both
domains. Losses: least-squares GAN for both generators and both PatchGAN
critics (normalised by ``d_norm``), cycle consistency
``lambda_cycle`` * |b2a(a2b(a)) - a| + ``lambda_cycle_b`` * |a2b(b2a(b)) - b|
and an identity term ``lambda_identity`` * (|b2a(rgb(a)) - a| + |grey(a2b(grey(b))) - grey(b)|).
The paper's identity loss feeds each generator a real image of its target
domain; with 1 and 3 channels that is only possible through a grey copy, so
b2a must leave a grey MNIST digit as it is and a2b must keep the luma of a
grey B image. B's strokes are darker than their background in half of its
styles, so a polarity term ``lambda_polarity`` * |b2a(rgb(1 - a)) - a| also
shows b2a a grey digit drawn dark on light (0 gives the paper's losses). The
paper's pool of past fakes for the critics is left out.
"""
from __future__ import annotations

import itertools
from typing import Any

import torch
from torch import nn

from zoo.train.distributed import unwrap
from zoo.train.gan_objectives import LOSSES
from zoo.train.trainer import Recipe
from zoo.models.translation import PatchDiscriminator
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE, RATE, Bound

from zoo.models.digit_domains import colourise, grey


class CycleGANRecipe(Recipe):
    defaults: dict[str, Any] = {
        "epochs": 1,
        "batch_size": 64,
        "lambda_cycle": 10.0,
        "lambda_cycle_b": 10.0,
        "lambda_identity": 5.0,
        "lambda_polarity": 5.0,
        "lr": 2e-4,
        "betas": [0.5, 0.999],
        "d_width": 32,
        "d_norm": "instance",
    }
    bounds = {
        **Recipe.bounds, "lambda_cycle": NON_NEGATIVE, "lambda_cycle_b": NON_NEGATIVE, "lambda_identity": NON_NEGATIVE,
        "lambda_polarity": NON_NEGATIVE, "lr": RATE, "betas": FRACTION, "d_width": COUNT, "d_norm": Bound(choices=("batch", "instance", "none")),
    }
    min_useful_steps = 500

    def setup(self) -> None:
        hp = self.hparams
        if hp["batch_size"] < 2:
            raise ValueError(f"batch_size must be at least 2 (half domain A, half domain B), got {hp['batch_size']}")
        self.generators = self.spec.builder()(**self.model_config).to(self.device)
        self.critic_a = PatchDiscriminator(1, hp["d_width"], norm=hp["d_norm"]).to(self.device)
        self.critic_b = PatchDiscriminator(3, hp["d_width"], norm=hp["d_norm"]).to(self.device)
        betas = tuple(hp["betas"])
        self.opt_g = torch.optim.Adam(self.generators.parameters(), lr=hp["lr"], betas=betas)
        critics = itertools.chain(self.critic_a.parameters(), self.critic_b.parameters())
        self.opt_d = torch.optim.Adam(critics, lr=hp["lr"], betas=betas)
        self.loss = LOSSES.build("least-squares", {}, self.device)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        half = images.shape[0] // 2
        styled = colourise(images[half:])
        unwrap(self.generators).keep_examples(styled)
        real_a, real_b = images[:half] * 2 - 1, styled * 2 - 1
        g = self.generators
        fake_b, fake_a = g(real_a, "a2b"), g(real_b, "b2a")

        adversarial = self.loss.generator(self.critic_a(fake_a)) + self.loss.generator(self.critic_b(fake_b))
        cycle_a, cycle_b = (g(fake_b, "b2a") - real_a).abs().mean(), (g(fake_a, "a2b") - real_b).abs().mean()
        grey_b, rgb_a = grey(real_b), real_a.expand(-1, 3, -1, -1)
        identity = (g(rgb_a, "b2a") - real_a).abs().mean()
        identity = identity + (grey(g(grey_b, "a2b")) - grey_b).abs().mean()
        hp = self.hparams
        cycle = hp["lambda_cycle"] * cycle_a + hp["lambda_cycle_b"] * cycle_b
        loss_g = adversarial + cycle + hp["lambda_identity"] * identity
        logs = {}
        if hp["lambda_polarity"]:
            polarity = (g(-rgb_a, "b2a") - real_a).abs().mean()
            loss_g = loss_g + hp["lambda_polarity"] * polarity
            logs["polarity"] = polarity.item()
        self.opt_g.zero_grad(set_to_none=True)
        self.backward(loss_g)
        self.optimizer_step(self.opt_g)

        loss_d = self.loss.discriminator(self.critic_a(real_a), self.critic_a(fake_a.detach()))
        loss_d = loss_d + self.loss.discriminator(self.critic_b(real_b), self.critic_b(fake_b.detach()))
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)
        return {"loss_d": loss_d.item(), "loss_g_adv": adversarial.item(), "cycle_a": cycle_a.item(), "cycle_b": cycle_b.item(), "identity": identity.item(), **logs}

    def export_model(self) -> nn.Module:
        return self.generators
