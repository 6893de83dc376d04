"""Semi-supervised GAN recipe (Odena 2016): the discriminator's K class logits with an implicit
"fake" logit 0 give the real/fake logit ``logsumexp(logits)`` (Salimans et al. 2016) for the
registered adversarial loss, plus a cross-entropy on a labelled minibatch drawn each step from
``labelled`` training images, picked in equal numbers per class, reproducibly from the run's seed.
A self-conditioned generator (``clusters`` > 0, the zoo's k-means clusters) adds a projection
term on the cluster ids to the real/fake logit; the class logits never see the ids.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from zoo.data.datasets import ImageData
from zoo.models.dcgan import DCGANGenerator
from zoo.models.encoders import ConvEncoder
from zoo.models.shapes import image_settings
from zoo.train.distributed import unwrap
from zoo.train.gan import Conditioning, GANRecipe
from zoo.train.settings import COUNT, NON_NEGATIVE

from .model import CLASSIFIER_DROPOUT, SemiSupervisedGAN


class LabelledSubset(nn.Module):
    """The few labelled training images, as buffers (so a checkpoint keeps them)."""

    def __init__(self, count: int, image_shape: tuple[int, ...]) -> None:
        super().__init__()
        self.register_buffer("images", torch.zeros(count, *image_shape))
        self.register_buffer("labels", torch.zeros(count, dtype=torch.long))

    @torch.no_grad()
    def pick(self, data: ImageData, classes: int) -> None:
        """``count / classes`` images of each class (with repeats where a class has fewer),
        drawn from torch's generator, which the trainer seeds with the run's seed."""
        per_class = len(self.labels) // classes
        chosen = []
        for c in range(classes):
            members = (data.labels == c).nonzero().flatten()
            if len(members) >= per_class:
                chosen.append(members[torch.randperm(len(members))[:per_class]])
            else:
                chosen.append(members[torch.randint(len(members), (per_class,))])
        index = torch.cat(chosen)
        index = torch.cat([index, index[: len(self.labels) - len(index)]])  # a remainder repeats the first ones
        self.images.copy_(data.images[index])
        self.labels.copy_(data.labels[index])

    def minibatch(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` labelled images (in [-1, 1]) drawn with replacement, and their labels."""
        index = torch.randint(len(self.labels), (n,), device=self.labels.device)
        return self.images[index] * 2 - 1, self.labels[index]


class ClassifyingCritic(nn.Module):
    """The K-way classifier as a critic: ``(images, cluster ids or None)`` -> (class logits, real/fake
    logit). The real/fake logit is ``logsumexp(class logits)``, plus <embed(id), features>
    (Miyato and Koyama 2018) on the classifier's last features when there are ``clusters``."""

    def __init__(self, classifier: ConvEncoder, clusters: int) -> None:
        super().__init__()
        self.classifier = classifier
        head = classifier.net[-1]
        self.embed = nn.Embedding(clusters, head.in_features) if clusters else None
        if self.embed is not None:
            nn.init.normal_(self.embed.weight, 0.0, 0.02)

    def forward(self, x: torch.Tensor, ids: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.classifier.net[:-1](x)
        logits = self.classifier.net[-1](features)
        realness = logits.logsumexp(1)
        if self.embed is not None and ids is not None:
            realness = realness + (self.embed(ids) * features).sum(1)
        return logits, realness


class SGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 6, "labelled": 1000, "class_weight": 1.0, "decay_from": 0.5}
    bounds = {**GANRecipe.bounds, "labelled": COUNT, "class_weight": NON_NEGATIVE}

    def setup(self) -> None:
        super().setup()
        self.labelled = LabelledSubset(self.hparams["labelled"], self.generator.image_shape).to(self.device)
        self.decay_learning_rates()

    def build_generator(self) -> DCGANGenerator:
        cfg = self.model_config
        return DCGANGenerator(cfg["latent_dim"], cfg["width"], clusters=cfg.get("clusters", 0), **image_settings(cfg))

    def build_discriminator(self) -> ClassifyingCritic:
        cfg = self.model_config
        classifier = ConvEncoder(cfg["num_classes"], cfg["width"], dropout=CLASSIFIER_DROPOUT, **image_settings(cfg))
        return ClassifyingCritic(classifier, cfg.get("clusters", 0))

    def prepare(self, data: ImageData) -> None:
        super().prepare(data)
        self.labelled.pick(data, self.model_config["num_classes"])

    def discriminator_loss(
        self, real: torch.Tensor, labels: torch.Tensor, fake: torch.Tensor, conditioning: Conditioning
    ) -> tuple[torch.Tensor, dict[str, float]]:
        _, real_scores = self.discriminator(real, labels if self.self_conditioned else None)
        _, fake_scores = self.discriminator(fake, conditioning.get("labels"))
        adversarial = self.loss.discriminator(real_scores, fake_scores)
        images, targets = self.labelled.minibatch(real.shape[0])
        class_logits, _ = self.discriminator(images)
        supervised = F.cross_entropy(class_logits, targets)
        accuracy = (class_logits.argmax(1) == targets).float().mean()
        loss = adversarial + self.hparams["class_weight"] * supervised
        return loss, {"class_d": supervised.item(), "labelled_accuracy": accuracy.item()}

    def generator_loss(
        self, fake: torch.Tensor, conditioning: Conditioning, real: torch.Tensor, labels: torch.Tensor
    ) -> tuple[torch.Tensor, dict[str, float]]:
        return self.loss.generator(self.discriminator(fake, conditioning.get("labels"))[1]), {}

    def export_model(self) -> SemiSupervisedGAN:
        model = SemiSupervisedGAN(**self.model_config).to(self.device)
        model.generator.load_state_dict(self.ema.state_dict())
        model.classifier.load_state_dict(unwrap(self.discriminator).classifier.state_dict())
        return model.eval()
