"""CC-GAN recipe (Denton et al. 2016): a semi-supervised critic with ``classes + 1`` outputs.

Before the first step ``labelled`` training images (the same number of each
class) are kept as the only labelled set. Each step the critic learns the
class of a batch drawn from that set (cross-entropy), that the batch's real
images are not fake and that the inpainted ones are (``-log p(fake)``); the
generator makes its inpainted images look real (``-log(1 - p(fake))``) and
adds ``lambda_pixel`` times the L1 distance to the clean image (0 gives the
paper's purely adversarial generator). The critic's accuracy on the labelled
batch is logged.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from zoo.data.datasets import ImageData
from zoo.train.distributed import unwrap
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE, RATE
from zoo.train.trainer import Recipe

from .model import ContextCritic


class LabelledSet(nn.Module):
    """The few labelled images the critic learns classes from, kept as buffers (checkpointed)."""

    def __init__(self, count: int, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.register_buffer("images", torch.zeros(count, *shape))
        self.register_buffer("labels", torch.zeros(count, dtype=torch.long))

    def fill(self, data: ImageData, classes: int) -> None:
        """Take ``count / classes`` images of each class (cycling through those there are)."""
        count = self.labels.shape[0]
        per_class = [torch.nonzero(data.labels == c).flatten()[: max(1, count // classes)] for c in range(classes)]
        chosen = torch.cat([indices for indices in per_class if len(indices)])
        chosen = chosen.repeat(count // len(chosen) + 1)[:count]
        self.images.copy_(data.images[chosen])
        self.labels.copy_(data.labels[chosen])


class CCGANRecipe(Recipe):
    defaults: dict[str, Any] = {
        "epochs": 4,
        "batch_size": 64,
        "classes": 10,
        "labelled": 100,
        "lambda_pixel": 30.0,
        "lr": 2e-4,
        "betas": [0.5, 0.999],
        "d_width": 32,
    }
    bounds = {**Recipe.bounds, "classes": COUNT, "labelled": COUNT, "lambda_pixel": NON_NEGATIVE, "lr": RATE,
              "betas": FRACTION, "d_width": COUNT}
    min_useful_steps = 300

    def setup(self) -> None:
        hp = self.hparams
        self.generator = self.spec.builder()(**self.model_config).to(self.device)
        self.critic = ContextCritic(hp["classes"], hp["d_width"]).to(self.device)
        self.labelled = LabelledSet(hp["labelled"], self.generator.dataset_shape).to(self.device)
        betas = tuple(hp["betas"])
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=hp["lr"], betas=betas)
        self.opt_d = torch.optim.Adam(self.critic.parameters(), lr=hp["lr"], betas=betas)

    def prepare(self, data: ImageData) -> None:
        self.labelled.fill(data, self.hparams["classes"])

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        hp = self.hparams
        model = unwrap(self.generator)
        masked = model.degrade(images)
        model.keep_examples(masked)
        target = images * 2 - 1
        fake = self.generator(masked * 2 - 1)
        pick = torch.randint(0, self.labelled.labels.shape[0], (images.shape[0],)).to(self.device)
        known, known_labels = self.labelled.images[pick] * 2 - 1, self.labelled.labels[pick]

        fake_class = hp["classes"]
        known_logits = self.critic(known)
        supervised = F.cross_entropy(known_logits, known_labels)
        real_fake = self.critic(target).log_softmax(1)[:, fake_class]
        fake_fake = self.critic(fake.detach()).log_softmax(1)[:, fake_class]
        unsupervised = -torch.log1p(-real_fake.exp().clamp(max=1 - 1e-6)).mean() - fake_fake.mean()
        loss_d = supervised + unsupervised
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)

        p_fake = self.critic(fake).softmax(1)[:, fake_class]
        adversarial = -torch.log1p(-p_fake.clamp(max=1 - 1e-6)).mean()
        pixel = (fake - target).abs().mean()
        loss_g = adversarial + hp["lambda_pixel"] * pixel
        self.opt_g.zero_grad(set_to_none=True)
        self.backward(loss_g)
        self.optimizer_step(self.opt_g)
        accuracy = (known_logits[:, :fake_class].argmax(1) == known_labels).float().mean()
        return {"loss_d": loss_d.item(), "loss_g_adv": adversarial.item(), "pixel": pixel.item(),
                "critic_accuracy": accuracy.item()}

    def export_model(self) -> nn.Module:
        return self.generator
