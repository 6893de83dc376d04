"""The GAN family's recipe base: generator, discriminator, EMA, optimisers and one step.

A flavour's recipe subclasses :class:`GANRecipe` and builds its discriminator;
its objective is a registered loss and penalty (:mod:`zoo.train.gan_objectives`)
named by the ``loss`` and ``penalty`` hyperparameters, so a new objective needs
no recipe. Where the paper needs more (an auxiliary classifier, an information
term) it overrides ``discriminator_loss``/``generator_loss``. The generator, its
exponential moving average (the published weights), the optimisers and the
order of updates live here once. Images are in the training range ``[-1, 1]``.
"""
from __future__ import annotations

import copy
import math
from typing import Any

import torch
from torch import nn

from zoo.models.clusters import ClusterCodebook, SelfConditioned
from zoo.models.dcgan import discriminator_for
from zoo.data.datasets import ImageData
from zoo.train.distributed import unwrap
from zoo.models.base import ConditionalModel
from zoo.train.gan_objectives import LOSSES, PENALTIES
from zoo.train.trainer import Recipe, UpdateCounter, ema_decay, ema_update
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE, RATE, Bound

Conditioning = dict[str, torch.Tensor]


# --- learning-rate schedule ----------------------------------------------------


def linear_decay(
    optimizer: torch.optim.Optimizer, total_steps: int, start_step: int = 0
) -> torch.optim.lr_scheduler.LambdaLR:
    """Hold the learning rate until ``start_step``, then lower it linearly to zero at
    ``total_steps`` (constant when ``start_step >= total_steps``); step it once per train step."""

    def factor(step: int) -> float:
        if step < start_step or start_step >= total_steps:
            return 1.0
        return max(0.0, (total_steps - step) / (total_steps - start_step))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def step_drop(optimizer: torch.optim.Optimizer, drop_step: int, factor: float) -> torch.optim.lr_scheduler.LambdaLR:
    """Multiply the learning rate by ``factor`` from ``drop_step`` on; step it once per train step."""
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: factor if step >= drop_step else 1.0)


# --- the recipe base -------------------------------------------------------------


class GANRecipe(Recipe):
    """Generator (built from the model's spec), discriminator, EMA generator, two optimisers.

    One ``train_step`` takes ``batch_size`` real images, splits them into
    ``d_steps`` minibatches for as many discriminator updates, then updates the
    generator once on the last minibatch's fakes and the EMA copy after it (with
    a warm-up, :func:`zoo.train.trainer.ema_decay`, so that a short run's average
    forgets the random start).
    ``loss`` names a :data:`~zoo.train.gan_objectives.LOSSES` entry and
    ``penalty`` a :data:`~zoo.train.gan_objectives.PENALTIES` entry (or
    ``none``), weighted by ``penalty_weight``; subclasses build the
    discriminator and override ``discriminator_loss``/``generator_loss`` for
    extra terms. Conditional generators get uniform random fake labels and a
    discriminator called as ``D(images, labels)``.

    A :class:`~zoo.models.clusters.SelfConditioned` generator with clusters is
    self-conditioned: before a new run the training images are clustered by
    k-means (``codebook``) and the clusters' sizes handed to the generator (and
    its average), real images are labelled with their cluster's id, fakes get
    ids drawn in proportion to the clusters' sizes, and the discriminator sees
    the ids like class labels.
    """

    defaults: dict[str, Any] = {
        "epochs": 20,
        "batch_size": 64,
        "loss": "non-saturating",
        "real_label": 1.0,
        "d_steps": 1,
        "lr_g": 2e-4,
        "lr_d": 2e-4,
        "betas": [0.5, 0.999],
        "ema_decay": 0.999,
        "penalty": "none",
        "penalty_weight": 10.0,
    }
    bounds = {
        **Recipe.bounds, "loss": Bound(choices=LOSSES), "real_label": FRACTION, "d_steps": COUNT,
        "lr_g": RATE, "lr_d": RATE, "betas": FRACTION, "ema_decay": FRACTION, "decay_from": NON_NEGATIVE,
        "penalty": Bound(choices=PENALTIES), "penalty_weight": NON_NEGATIVE,
    }
    min_useful_steps = 1000

    def setup(self) -> None:
        hp = self.hparams
        self.generator = self.build_generator().to(self.device)
        self.discriminator = self.build_discriminator().to(self.device)
        self.ema = copy.deepcopy(self.generator).eval().requires_grad_(False)
        self.ema_updates = UpdateCounter()
        if self.self_conditioned:
            self.codebook = ClusterCodebook(self.clusters, math.prod(self.generator.image_shape)).to(self.device)
        self.opt_g = self.optimizer(self.generator.parameters(), hp["lr_g"])
        self.opt_d = self.optimizer(self.discriminator.parameters(), hp["lr_d"])
        self.loss = LOSSES.build(hp["loss"], hp, self.device)
        self.penalty = PENALTIES.build(hp["penalty"], hp, self.device)

    def build_generator(self) -> nn.Module:
        """The network the recipe trains as its generator: by default the model the spec builds
        (override when the published module holds more than the generator, and ``export_model`` too)."""
        return self.spec.builder()(**self.model_config)

    def build_discriminator(self) -> nn.Module:
        """The DCGAN discriminator that matches the generator's config (override for others)."""
        return discriminator_for(self.model_config)

    def decay_learning_rates(self, drop_factor: float | None = None) -> None:
        """Set up ``schedule_g`` and ``schedule_d`` (the trainer steps them after each train step): both learning
        rates held until the fraction ``decay_from`` of the run, then lowered linearly to zero
        (constant when it is >= 1), or with ``drop_factor`` multiplied by it once there."""
        total = self.hparams["epochs"] * self.steps_per_epoch
        start = int(self.hparams["decay_from"] * total)
        self.schedule_g, self.schedule_d = (
            linear_decay(opt, total, start) if drop_factor is None else step_drop(opt, start, drop_factor)
            for opt in (self.opt_g, self.opt_d)
        )

    def optimizer(self, params: Any, lr: float) -> torch.optim.Optimizer:
        return torch.optim.Adam(params, lr=lr, betas=tuple(self.hparams["betas"]))

    def prepare(self, data: ImageData) -> None:
        """Cluster the training images of a new self-conditioned run."""
        if self.self_conditioned:
            self.codebook.fit(data.images)
            for generator in (unwrap(self.generator), self.ema):
                generator.set_cluster_sizes(self.codebook.sizes)

    @property
    def clusters(self) -> int:
        """How many clusters the generator is self-conditioned on (0: it is not)."""
        generator = unwrap(self.generator)
        return generator.cluster_count() if isinstance(generator, SelfConditioned) else 0

    @property
    def self_conditioned(self) -> bool:
        return self.clusters > 0

    @property
    def conditional(self) -> bool:
        return self.self_conditioned or isinstance(unwrap(self.generator), ConditionalModel)

    def conditioning(self, n: int) -> Conditioning:
        """Generator inputs besides the noise for ``n`` fakes: uniform labels for conditional
        models, cluster ids in proportion to the clusters' sizes for self-conditioned ones."""
        if self.self_conditioned:
            if not self.codebook.sizes.any():
                raise RuntimeError("the clusters of this self-conditioned GAN are not fitted: call prepare(data) first")
            return {"labels": torch.multinomial(self.codebook.sizes, n, replacement=True).to(self.device)}
        if self.conditional:
            return {"labels": torch.randint(0, self.generator.num_classes, (n,), device=self.device)}
        return {}

    def fakes(self, n: int) -> tuple[torch.Tensor, Conditioning]:
        conditioning = self.conditioning(n)
        z = torch.randn(n, self.generator.latent_dim, device=self.device)
        return self.generator(z, **conditioning), conditioning

    def discriminate(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> Scores:
        """Discriminator scores; a conditional discriminator also sees the labels."""
        return self.discriminator(images, labels) if self.conditional else self.discriminator(images)

    def discriminator_loss(
        self, real: torch.Tensor, labels: torch.Tensor, fake: torch.Tensor, conditioning: Conditioning
    ) -> tuple[torch.Tensor, dict[str, float]]:
        loss = self.loss.discriminator(self.discriminate(real, labels), self.discriminate(fake, conditioning.get("labels")))
        return self.with_penalty(loss, real, labels, fake)

    def with_penalty(
        self, loss: torch.Tensor, real: torch.Tensor, labels: torch.Tensor, fake: torch.Tensor
    ) -> tuple[torch.Tensor, dict[str, float]]:
        """``loss`` plus the weighted penalty, if any, on the critic as it sees the real labels."""
        if self.penalty is None:
            return loss, {}
        penalty = self.penalty(lambda images: self.discriminate(images, labels), real, fake)
        return loss + self.hparams["penalty_weight"] * penalty, {f"{self.hparams['penalty']}_penalty": penalty.item()}

    def generator_loss(
        self, fake: torch.Tensor, conditioning: Conditioning, real: torch.Tensor, labels: torch.Tensor
    ) -> tuple[torch.Tensor, dict[str, float]]:
        real_scores = None
        if self.loss.generator_sees_real:
            with torch.no_grad():
                real_scores = self.discriminate(real, labels)
        return self.loss.generator(self.discriminate(fake, conditioning.get("labels")), real_scores), {}

    def after_discriminator_step(self) -> None:
        """Hook after each discriminator update (weight clipping)."""

    def cluster_ids(self, images: torch.Tensor) -> torch.Tensor:
        """The ids of the clusters real images fall in (a self-conditioned run's labels)."""
        return self.codebook.assign(images)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        if self.self_conditioned:
            labels = self.cluster_ids(images)
        totals: dict[str, float] = {}
        parts = list(zip((images * 2 - 1).chunk(self.hparams["d_steps"]), labels.chunk(self.hparams["d_steps"])))
        for i, (real, real_labels) in enumerate(parts):
            last = i == len(parts) - 1  # the last fakes also serve the generator update
            with torch.set_grad_enabled(last):
                fake, conditioning = self.fakes(real.shape[0])
            loss_d, logs = self.discriminator_loss(real, real_labels, fake.detach(), conditioning)
            self.opt_d.zero_grad(set_to_none=True)
            self.backward(loss_d)
            self.optimizer_step(self.opt_d)
            self.after_discriminator_step()
            for key, value in {"loss_d": loss_d.item(), **logs}.items():
                totals[key] = totals.get(key, 0.0) + value / len(parts)

        loss_g, logs = self.generator_loss(fake, conditioning, real, real_labels)
        self.opt_g.zero_grad(set_to_none=True)
        self.backward(loss_g)
        self.optimizer_step(self.opt_g)
        ema_update(self.ema, self.generator, ema_decay(self.hparams["ema_decay"], self.ema_updates.advance()))
        return {**totals, "loss_g": loss_g.item(), **logs, **self.loss.logs()}

    def export_model(self) -> nn.Module:
        return self.ema
