"""UNIT recipe (Liu et al. 2017) on unpaired halves of each batch (A: digits, B: coloured digits).

Codes are the encoders' means plus unit Gaussian noise (the paper's VAE with
fixed variance, KL = mean of code^2 / 2). Each domain is reconstructed from
its own code (L1, ``lambda_rec``), translated into the other domain and judged
by that domain's least-squares PatchGAN critic (``lambda_gan``), and
translated back (L1, ``lambda_cycle``); the KL terms of the first and the
cycle's codes are weighted by ``lambda_kl``. Defaults are PyTorch-GAN's UNIT
weights (10, 0.1, 100, 0.1, 100).
"""
from __future__ import annotations

import itertools
from typing import Any

import torch
from torch import nn

from zoo.models.translation import PatchDiscriminator
from zoo.train.distributed import unwrap
from zoo.train.gan_objectives import LOSSES
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE, RATE
from zoo.train.trainer import Recipe

from .model import DOMAINS


def kl(code: torch.Tensor) -> torch.Tensor:
    """KL of N(code, I) from N(0, I), per code element."""
    return code.square().mean() / 2


class UNITRecipe(Recipe):
    defaults: dict[str, Any] = {
        "epochs": 1,
        "batch_size": 64,
        "lambda_gan": 10.0,
        "lambda_kl": 0.1,
        "lambda_rec": 100.0,
        "lambda_cycle": 100.0,
        "lr": 2e-4,
        "betas": [0.5, 0.999],
        "d_width": 32,
    }
    bounds = {**Recipe.bounds, "lambda_gan": NON_NEGATIVE, "lambda_kl": NON_NEGATIVE, "lambda_rec": NON_NEGATIVE,
              "lambda_cycle": NON_NEGATIVE, "lr": RATE, "betas": FRACTION, "d_width": COUNT}
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
        codes = {name: net.encode(x, name) for name, x in real.items()}
        noisy = {name: code + torch.randn_like(code) for name, code in codes.items()}
        other = {"a": "b", "b": "a"}
        fakes = {other[name]: net.decode(code, other[name]) for name, code in noisy.items()}  # key: target domain

        loss_d = sum(self.loss.discriminator(self.critics[name](real[name]), self.critics[name](fakes[name].detach()))
                     for name in DOMAINS)
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)

        adversarial = sum(self.loss.generator(self.critics[name](fakes[name])) for name in DOMAINS)
        reconstruction = sum((net.decode(noisy[name], name) - real[name]).abs().mean() for name in DOMAINS)
        cycle_codes = {name: net.encode(fakes[other[name]], other[name]) for name in DOMAINS}  # from name's fake
        cycle = sum(
            (net.decode(code + torch.randn_like(code), name) - real[name]).abs().mean() for name, code in cycle_codes.items()
        )
        divergence = sum(kl(code) for code in itertools.chain(codes.values(), cycle_codes.values()))
        loss_g = (hp["lambda_gan"] * adversarial + hp["lambda_rec"] * reconstruction + hp["lambda_cycle"] * cycle
                  + hp["lambda_kl"] * divergence)
        self.opt_g.zero_grad(set_to_none=True)
        self.backward(loss_g)
        self.optimizer_step(self.opt_g)
        return {"loss_d": loss_d.item(), "loss_g_adv": adversarial.item(), "reconstruction": reconstruction.item(),
                "cycle": cycle.item(), "kl": divergence.item()}

    def export_model(self) -> nn.Module:
        return self.networks
