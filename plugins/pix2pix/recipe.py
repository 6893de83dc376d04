"""pix2pix recipe: each batch of digits becomes (edge map, digit) pairs; the generator
minimises the adversarial loss of a conditional PatchGAN D(edges, digit) plus
``lambda_l1`` times the L1 distance to the real digit (Isola et al.: 100).
The discriminator's loss is halved, as in the paper, to slow it down."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from zoo.train.distributed import unwrap
from zoo.train.gan_objectives import LOSSES
from zoo.train.trainer import Recipe
from zoo.models.translation import PatchDiscriminator
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE, RATE, Bound

from .model import edge_map


class Pix2PixRecipe(Recipe):
    defaults: dict[str, Any] = {
        "epochs": 2,
        "batch_size": 64,
        "loss": "non-saturating",
        "lambda_l1": 100.0,
        "lr": 2e-4,
        "betas": [0.5, 0.999],
        "d_width": 64,
    }
    bounds = {
        **Recipe.bounds, "loss": Bound(choices=LOSSES), "lambda_l1": NON_NEGATIVE, "lr": RATE, "betas": FRACTION,
        "d_width": COUNT,
    }
    min_useful_steps = 500

    def setup(self) -> None:
        hp = self.hparams
        self.generator = self.spec.builder()(**self.model_config).to(self.device)
        self.discriminator = PatchDiscriminator(2, hp["d_width"], norm="batch").to(self.device)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=hp["lr"], betas=tuple(hp["betas"]))
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=hp["lr"], betas=tuple(hp["betas"]))
        self.loss = LOSSES.build(hp["loss"], hp, self.device)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        edges = edge_map(images)
        unwrap(self.generator).keep_examples(edges)
        source, target = edges * 2 - 1, images * 2 - 1
        fake = self.generator(source)

        loss_d = 0.5 * self.loss.discriminator(
            self.discriminator(source, target), self.discriminator(source, fake.detach())
        )
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)

        adversarial = self.loss.generator(self.discriminator(source, fake))
        l1 = (fake - target).abs().mean()
        loss_g = adversarial + self.hparams["lambda_l1"] * l1
        self.opt_g.zero_grad(set_to_none=True)
        self.backward(loss_g)
        self.optimizer_step(self.opt_g)
        return {"loss_d": loss_d.item(), "loss_g_adv": adversarial.item(), "l1": l1.item()}

    def export_model(self) -> nn.Module:
        return self.generator
