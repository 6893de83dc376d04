"""ClusterGAN recipe (Mukherjee et al. 2019): the registered adversarial loss on a DCGAN pair,
and an encoder trained with the generator to recover each fake's code from the image,
``beta_noise`` * squared error on the noise plus ``beta_cluster`` * cross-entropy on the
cluster id (the paper's MNIST weights are 10 and 10; its objective is WGAN-GP, here the
``loss`` and ``penalty`` hyperparameters pick one)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.models.dcgan import DCGANDiscriminator, DCGANGenerator
from zoo.models.encoders import ConvEncoder
from zoo.models.shapes import image_settings
from zoo.train.distributed import unwrap
from zoo.train.gan import Conditioning, GANRecipe
from zoo.train.settings import NON_NEGATIVE

from .model import ClusterGAN


class ClusterGANRecipe(GANRecipe):
    defaults = {**GANRecipe.defaults, "epochs": 6, "real_label": 0.9, "beta_noise": 10.0, "beta_cluster": 10.0,
                "decay_from": 0.5}
    bounds = {**GANRecipe.bounds, "beta_noise": NON_NEGATIVE, "beta_cluster": NON_NEGATIVE}

    def setup(self) -> None:
        super().setup()
        cfg = self.model_config
        self.encoder = ConvEncoder(cfg["latent_dim"] + cfg["clusters"], cfg["width"], **image_settings(cfg))
        self.encoder.to(self.device)
        self.opt_e = self.optimizer(self.encoder.parameters(), self.hparams["lr_g"])
        self.decay_learning_rates()

    def build_generator(self) -> DCGANGenerator:
        cfg = self.model_config
        return DCGANGenerator(cfg["latent_dim"], cfg["width"], clusters=cfg["clusters"], **image_settings(cfg))

    def build_discriminator(self) -> DCGANDiscriminator:
        return DCGANDiscriminator(self.model_config["width"], **image_settings(self.model_config))

    @property
    def self_conditioned(self) -> bool:
        return False  # the cluster code is the latent's own, drawn uniformly, not fitted by k-means

    def fakes(self, n: int) -> tuple[torch.Tensor, Conditioning]:
        cfg = self.model_config
        conditioning = {
            "noise": cfg["sigma"] * torch.randn(n, cfg["latent_dim"], device=self.device),
            "clusters": torch.randint(0, cfg["clusters"], (n,), device=self.device),
        }
        return self.generator(conditioning["noise"], conditioning["clusters"]), conditioning

    def generator_loss(
        self, fake: torch.Tensor, conditioning: Conditioning, real: torch.Tensor, labels: torch.Tensor
    ) -> tuple[torch.Tensor, dict[str, float]]:
        adversarial = self.loss.generator(self.discriminator(fake))
        code = self.encoder(fake)
        latent_dim = self.model_config["latent_dim"]
        noise = F.mse_loss(code[:, :latent_dim], conditioning["noise"])
        cluster = F.cross_entropy(code[:, latent_dim:], conditioning["clusters"])
        recovered = (code[:, latent_dim:].argmax(1) == conditioning["clusters"]).float().mean()
        loss = adversarial + self.hparams["beta_noise"] * noise + self.hparams["beta_cluster"] * cluster
        return loss, {"noise_e": noise.item(), "cluster_e": cluster.item(), "cluster_recovered": recovered.item()}

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """The base step; the generator's loss also gave the encoder its gradients, so it steps here."""
        self.opt_e.zero_grad(set_to_none=True)
        logs = super().train_step(images, labels)
        self.optimizer_step(self.opt_e)
        return logs

    def export_model(self) -> ClusterGAN:
        model = ClusterGAN(**self.model_config).to(self.device)
        model.generator.load_state_dict(self.ema.state_dict())
        model.encoder.load_state_dict(unwrap(self.encoder).state_dict())
        return model.eval()
