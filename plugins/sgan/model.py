"""The published semi-supervised GAN: the generator and the discriminator's class head in one module."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.base import GenerativeModel, check_images
from zoo.models.dcgan import DCGANGenerator
from zoo.models.encoders import ConvEncoder
from zoo.models.noise import SampleNoise
from zoo.models.shapes import DEFAULT_IMAGE_SIZE
from zoo.models.translation import EVAL_BATCH

CLASSIFIER_DROPOUT = 0.3


class SemiSupervisedGAN(GenerativeModel):
    """``sample(n)`` draws images from the DCGAN ``generator`` (self-conditioned on ``clusters``
    k-means clusters when > 0, its cluster ids drawn in proportion to their sizes);
    ``classify(x)`` labels images with the ``classifier``, the discriminator whose K outputs
    are the class logits.

    The discriminator's "fake" output is the fixed logit 0 (Salimans et al. 2016), so
    the K class logits alone give both the class and the real/fake decision:
    ``logsumexp(logits)`` is the logit of "real".
    """

    def __init__(
        self, latent_dim: int = 100, width: int = 32, channels: int = 1, num_classes: int = 10, clusters: int = 0,
        image_size: int = DEFAULT_IMAGE_SIZE,
    ) -> None:
        super().__init__()
        self.generator = DCGANGenerator(latent_dim, width, channels, clusters, image_size)
        self.classifier = ConvEncoder(num_classes, width, channels, image_size, dropout=CLASSIFIER_DROPOUT)
        self.latent_dim = latent_dim
        self.num_classes = num_classes
        self.image_shape = self.generator.image_shape

    def generate(self, noise: SampleNoise) -> torch.Tensor:
        return self.generator.generate(noise)

    @torch.inference_mode()
    def class_logits(self, x: torch.Tensor) -> torch.Tensor:
        """Images ``(N, C, H, W)`` in [0, 1] -> class logits ``(N, num_classes)``."""
        x = check_images(x, self.image_shape).to(self.device, self.dtype)
        return self.classifier.eval()(x * 2 - 1).float()

    def classify(self, x: torch.Tensor) -> torch.Tensor:
        """Images ``(N, C, H, W)`` in [0, 1] -> predicted class ids ``(N,)`` (long)."""
        x = check_images(x, self.image_shape)
        return torch.cat([self.class_logits(batch).argmax(1) for batch in x.split(EVAL_BATCH)])

    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """``test_accuracy``: the fraction of the test images ``classify`` labels right."""
        return {"test_accuracy": round((self.classify(images).cpu() == labels.cpu()).double().mean().item(), 4)}
