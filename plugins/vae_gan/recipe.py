"""VAE-GAN recipe (Larsen et al. 2016), per batch, with x~ = dec(z), z ~ q(z|x), and x_p = dec(z_p), z_p ~ N(0, I):

1. the discriminator (``zoo.models.dcgan``) learns to tell real images from x~ and x_p;
2. the encoder minimises KL(q(z|x) || N(0, I)) + L_like, where L_like is half the squared distance
   between the discriminator's last hidden features of x and of x~ (a Gaussian likelihood there);
3. the decoder minimises ``gamma`` L_like plus its non-saturating loss at making the discriminator
   call x~ and x_p real (the encoder's gradient does not reach it, nor the GAN's the encoder).

The published weights are an exponential moving average of the autoencoder (``ema_decay``), and all three
learning rates fall linearly to zero over the last part of the run (from the fraction ``decay_from``). A model
with a code prior has it fitted to the posterior means of the last ``prior_images`` training images when the
weights are exported (ex-post density estimation, Ghosh et al. 2020).
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F

from zoo.models.dcgan import DCGANDiscriminator
from zoo.train.autoencoder import RecentRows, fit_code_prior
from zoo.train.gan import linear_decay
from zoo.train.settings import COUNT, FRACTION, NON_NEGATIVE, RATE
from zoo.train.trainer import Recipe, UpdateCounter, ema_decay, ema_update

from .model import VAEGAN


def _bce(logits: torch.Tensor, target: float) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


class VAEGANRecipe(Recipe):
    defaults = {"epochs": 10, "batch_size": 64, "lr": 3e-4, "betas": [0.5, 0.999], "gamma": 0.1,
                "ema_decay": 0.999, "decay_from": 0.5, "prior_images": 10000}
    bounds = {**Recipe.bounds, "lr": RATE, "betas": FRACTION, "gamma": NON_NEGATIVE, "ema_decay": FRACTION,
              "decay_from": NON_NEGATIVE, "prior_images": COUNT}
    min_useful_steps = 3000

    def setup(self) -> None:
        hp = self.hparams
        self.model = VAEGAN(**self.model_config).to(self.device)
        config = self.model_config
        self.discriminator = DCGANDiscriminator(
            config.get("width", 64), config.get("channels", 1), image_size=config.get("image_size", 28)
        ).to(self.device)
        adam = {"lr": hp["lr"], "betas": tuple(hp["betas"])}
        self.opt_enc = torch.optim.Adam(self.model.encoder.parameters(), **adam)
        self.opt_dec = torch.optim.Adam(self.model.decoder.parameters(), **adam)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), **adam)
        total = hp["epochs"] * self.steps_per_epoch
        self.schedule_enc, self.schedule_dec, self.schedule_d = (
            linear_decay(opt, total, int(hp["decay_from"] * total)) for opt in (self.opt_enc, self.opt_dec, self.opt_d)
        )
        self.ema = copy.deepcopy(self.model).eval().requires_grad_(False)
        self.ema_updates = UpdateCounter()
        self.recent = RecentRows(hp["prior_images"], self.model.image_shape).to(self.device)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.discriminator.net[:-1](x)

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        model, real = self.model, images * 2 - 1
        mean, logvar = model.posterior(images)
        z = mean + (0.5 * logvar).exp() * torch.randn_like(mean)
        prior = model.decode_signed(torch.randn_like(mean))

        recon = model.decode_signed(z)
        loss_d = _bce(self.discriminator(real), 1.0) + 0.5 * (
            _bce(self.discriminator(recon.detach()), 0.0) + _bce(self.discriminator(prior.detach()), 0.0)
        )
        self.opt_d.zero_grad(set_to_none=True)
        self.backward(loss_d)
        self.optimizer_step(self.opt_d)

        target = self.features(real).detach()
        like = 0.5 * (self.features(recon) - target).square().sum(1).mean()
        kl = 0.5 * (mean.square() + logvar.exp() - 1 - logvar).sum(1).mean()
        self.opt_enc.zero_grad(set_to_none=True)
        self.backward(kl + like)
        self.optimizer_step(self.opt_enc)

        recon = model.decode_signed(z.detach())
        like_dec = 0.5 * (self.features(recon) - target).square().sum(1).mean()
        fool = _bce(self.discriminator(recon), 1.0) + _bce(self.discriminator(prior), 1.0)
        self.opt_dec.zero_grad(set_to_none=True)
        self.backward(self.hparams["gamma"] * like_dec + fool)
        self.optimizer_step(self.opt_dec)
        ema_update(self.ema, self.model, ema_decay(self.hparams["ema_decay"], self.ema_updates.advance()))
        self.recent.add(images)
        return {"loss_d": loss_d.item(), "like": like.item(), "kl": kl.item(), "fool": fool.item()}

    def export_model(self) -> VAEGAN:
        """The averaged autoencoder, its code prior (if it has one) fitted to the kept training images' codes."""
        fit_code_prior(self.ema, self.recent.rows())
        return self.ema
