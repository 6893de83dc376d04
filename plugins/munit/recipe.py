"""MUNIT recipe (Huang et al. 2018) on unpaired halves of each batch (A: digits, B: coloured digits).

Each domain's images are rebuilt from their own content and style codes (L1,
``lambda_image``); each content code is decoded in the other domain with a
random N(0, I) style, judged by that domain's least-squares PatchGAN critic,
and encoded again: the content must come back (L1, ``lambda_content``) and so
must the random style (L1, ``lambda_style``). ``lambda_cycle`` > 0 adds the
paper's optional style-preserving cycle. Defaults are the paper's weights
(10, 1, 1; cycle 0).
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from zoo.models.translation import PatchDiscriminator
from zoo.train.distributed import unwrap
from zoo.train.gan_objectives import LOSSES
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE, RATE
from zoo.train.trainer import Recipe

from .model import DOMAINS


class MUNITRecipe(Recipe):
    defaults: dict[str, Any] = {
        "epochs": 1,
        "batch_size": 64,
        "lambda_image": 10.0,
        "lambda_content": 1.0,
        "lambda_style": 1.0,
        "lambda_cycle": 0.0,
        "lr": 2e-4,
        "betas": [0.5, 0.999],
        "d_width": 32,
    }
    bounds = {**Recipe.bounds, "lambda_image": NON_NEGATIVE, "lambda_content": NON_NEGATIVE,
              "lambda_style": NON_NEGATIVE, "lambda_cycle": NON_NEGATIVE, "lr": RATE, "betas": FRACTION, "d_width": COUNT}
    min_useful_steps = 500

    def setup(self) -> None:
        hp = self.hparams
        if hp["batch_size"] < 2:
            raise ValueError(f"batch_size must be at least 2 (half domain A, half domain B), got {hp['batch_size']}")
        self.networks = self.spec.builder()(**self.model_config).to(self.device)
        self.critics = nn.ModuleDict(
            {name: PatchDiscriminator(channels, hp["d_width"], norm="instance") for name, channels in DOMAINS.items()}
        ).to(self.device)
        betas = tuple(hp["betas"])
        self.opt_g = torch.optim.Adam(self.networks.parameters(), lr=hp["lr"], betas=betas)
        self.opt_d = torch.optim.Adam(self.critics.parameters(), lr=hp["lr"], betas=betas)
        self.loss = LOSSES.build("least-squares", {}, self.device)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        hp = self.hparams
        half = images.shape[0] // 2
        net = unwrap(self.networks)
        coloured = net.inputs_batch(images[half:], None)
        net.keep_examples(coloured)
        real = {"a": images[:half] * 2 - 1, "b": coloured * 2 - 1}
        other = {"a": "b", "b": "a"}
        content = {name: net.content[name](x) for name, x in real.items()}
        style = {name: net.style[name](x) for name, x in real.items()}
        random_style = {name: torch.randn(x.shape[0], net.style_dim, device=x.device, dtype=x.dtype) for name, x in real.items()}
        fakes = {other[name]: net.decoders[other[name]](content[name], random_style[name]) for name in DOMAINS}

        loss_d = sum(self.loss.discriminator(self.critics[name](real[name]), self.critics[name](fakes[name].detach()))
                     for name in DOMAINS)
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)

        adversarial = sum(self.loss.generator(self.critics[name](fakes[name])) for name in DOMAINS)
        image = sum((net.decoders[name](content[name], style[name]) - real[name]).abs().mean() for name in DOMAINS)
        content_back = {name: net.content[other[name]](fakes[other[name]]) for name in DOMAINS}
        content_loss = sum((content_back[name] - content[name]).abs().mean() for name in DOMAINS)
        style_loss = sum((net.style[other[name]](fakes[other[name]]) - random_style[name]).abs().mean() for name in DOMAINS)
        loss_g = (adversarial + hp["lambda_image"] * image + hp["lambda_content"] * content_loss
                  + hp["lambda_style"] * style_loss)
        logs = {}
        if hp["lambda_cycle"]:
            cycle = sum((net.decoders[name](content_back[name], style[name]) - real[name]).abs().mean() for name in DOMAINS)
            loss_g = loss_g + hp["lambda_cycle"] * cycle
            logs["cycle"] = cycle.item()
        self.opt_g.zero_grad(set_to_none=True)
        self.backward(loss_g)
        self.optimizer_step(self.opt_g)
        return {"loss_d": loss_d.item(), "loss_g_adv": adversarial.item(), "image": image.item(),
                "content": content_loss.item(), "style": style_loss.item(), **logs}

    def export_model(self) -> nn.Module:
        return self.networks
