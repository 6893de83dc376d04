"""PixelDA recipe (Bousmalis et al. 2017) on unpaired halves of each batch.

The first half of a batch is the labelled source (MNIST digits and their
labels), the second the unlabelled target: other digits put on textured
backgrounds (:func:`zoo.models.digit_domains.on_texture`, from the global
random generator that the trainer seeds and checkpoints), whose labels are
never used. The generator adapts each source digit with N(0, I) noise.

- a PatchGAN critic tells real from adapted target images (``loss``, weight ``lambda_adv``);
- the task classifier learns the source labels on source and adapted digits
  (cross-entropy, weight ``lambda_task``), and the generator learns from that
  loss too (the paper's joint minimisation);
- content similarity (weight ``lambda_content``): the paper's masked pairwise
  MSE between adapted and source digit on the source's strokes (pixels above
  ``FOREGROUND``), per channel, so that the strokes keep their shape but may
  take any colour;
- ``b2a`` (the zoo's way back into MNIST, see :mod:`zoo_plugins.pixelda.model`)
  learns to turn adapted digits back into their source digit (L1, weight
  ``lambda_back``) and to make real textured digits look like MNIST to a
  second critic (weight ``lambda_back_adv``); the generator gets no gradient
  from these terms.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from zoo.train.distributed import unwrap
from zoo.train.image_to_image import UnpairedRecipe
from zoo.train.settings import NON_NEGATIVE

FOREGROUND = 0.5  # source pixels brighter than this are the strokes the content loss compares


def masked_pmse(x: torch.Tensor, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Bousmalis et al.'s content-similarity loss: the pairwise mean squared error of ``x`` and ``y`` over
    the pixels where ``mask`` (``(N, 1, H, W)``, 0 or 1) is 1, per channel (shifting a channel's masked
    pixels all by the same amount costs nothing), averaged over images and channels."""
    difference = (x - y) * mask
    count = mask.sum((2, 3)).clamp(min=1)
    return (difference.square().sum((2, 3)) / count - (difference.sum((2, 3)) / count).square()).mean()


class PixelDARecipe(UnpairedRecipe):
    """The unpaired recipe's networks (a critic per domain, one optimiser for the model's networks, one for
    the critics) trained with PixelDA's losses."""

    defaults: dict[str, Any] = {
        "epochs": 1,
        "batch_size": 64,
        "loss": "least-squares",
        "lambda_adv": 1.0,
        "lambda_task": 0.1,
        "lambda_content": 1.0,
        "lambda_back": 10.0,
        "lambda_back_adv": 1.0,
        "lr": 2e-4,
        "betas": [0.5, 0.999],
        "d_width": 32,
        "d_norm": "batch",
    }
    bounds = {
        **UnpairedRecipe.bounds, "lambda_adv": NON_NEGATIVE, "lambda_task": NON_NEGATIVE,
        "lambda_content": NON_NEGATIVE, "lambda_back": NON_NEGATIVE, "lambda_back_adv": NON_NEGATIVE,
    }
    min_useful_steps = 500

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        hp = self.hparams
        half = images.shape[0] // 2
        labels = labels[:half]
        if bool((labels < 0).any()):
            raise ValueError("PixelDA's task loss needs labelled source images; this data has images without a label")
        model = unwrap(self.generators)
        textured = model.inputs_batch(images[half:], None)
        model.keep_examples(textured)
        source, real_b = images[:half] * 2 - 1, textured * 2 - 1
        g = self.generators
        noise = torch.randn(half, model.style_dim).to(source.device, source.dtype)
        fake_b, back_real = g(source, "a2b", noise), g(real_b, "b2a")

        loss_d = self.loss.discriminator(self.critic_b(real_b), self.critic_b(fake_b.detach()))
        loss_d = loss_d + self.loss.discriminator(self.critic_a(source), self.critic_a(back_real.detach()))
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)

        adversarial = self._generator_loss(self.critic_b, fake_b, real_b)
        task = F.cross_entropy(g(source, "task"), labels) + F.cross_entropy(g(fake_b, "task"), labels)
        content = masked_pmse(fake_b, source, (images[:half] > FOREGROUND).to(source.dtype))
        back = (g(fake_b.detach(), "b2a") - source).abs().mean()
        back_adversarial = self._generator_loss(self.critic_a, back_real, source)
        loss_g = (hp["lambda_adv"] * adversarial + hp["lambda_task"] * task + hp["lambda_content"] * content
                  + hp["lambda_back"] * back + hp["lambda_back_adv"] * back_adversarial)
        self.opt_g.zero_grad(set_to_none=True)
        self.backward(loss_g)
        self.optimizer_step(self.opt_g)
        return {"loss_d": loss_d.item(), "loss_g_adv": adversarial.item(), "task": task.item(),
                "content": content.item(), "back": back.item(), "back_adv": back_adversarial.item()}
