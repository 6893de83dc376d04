"""VAE recipe: maximise the ELBO E_q[log p(x|z)] - KL(q(z|x) || p(z)) with the
reparameterisation z = mean + exp(logvar / 2) * eps; a learned mixture prior is
trained by the same objective.

With ``iw_samples`` = k > 1 the objective is the importance-weighted bound of
Burda et al. (2016), log (1/k) sum_k p(x, z_k) / q(z_k|x), which is tighter than
the ELBO and trains a model with a lower negative log-likelihood.

With ``binarize`` (the default) every batch is binarised afresh, x ~ Bernoulli(pixel),
so the Bernoulli likelihood is a true likelihood; otherwise grey levels are the targets.

``kl_weight`` = beta < 1 weights log p(z) - log q(z|x) below the reconstruction term
(the beta-VAE of Higgins et al. 2017, here with beta < 1): the codes carry more of
each image, so reconstructions and samples are sharper, and the objective is no
longer a bound. For a model with a ``code_prior`` the posterior means of the last
epoch's training images are recorded during that epoch, and the code prior is fitted to them when
training ends (ex-post density estimation, Ghosh et al. 2020).
"""
from __future__ import annotations

import math
import warnings

import torch
import torch.nn.functional as F

from zoo.models.vae import VAE
from zoo.train.autoencoder import RecentRows
from zoo.train.distributed import unwrap
from zoo.train.trainer import Recipe
from zoo.train.settings import COUNT, NON_NEGATIVE, RATE


class VAERecipe(Recipe):
    defaults = {
        "epochs": 100, "batch_size": 128, "lr": 1e-3, "binarize": True, "iw_samples": 5, "kl_weight": 1.0,
    }
    bounds = {**Recipe.bounds, "lr": RATE, "iw_samples": COUNT, "kl_weight": NON_NEGATIVE}
    min_useful_steps = 1000
    model_class = VAE

    def setup(self) -> None:
        self.model = self.model_class(**self.model_config).to(self.device)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.hparams["lr"])
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=self.hparams["epochs"] * self.steps_per_epoch
        )
        self.recent_codes = None
        if self.model.code_prior is not None:
            epoch_images = self.steps_per_epoch * self.hparams["batch_size"]
            self.recent_codes = RecentRows(epoch_images, (self.model.latent_dim,)).to(self.device)

    def start_from(self, name: str) -> None:
        """Copy the weights of the published model ``name`` into this model's parameters of the same
        names and shapes (a warm start; a fitted code prior is not copied)."""
        from zoo.hub.load import load

        own = self.model.state_dict()
        shared = {
            key: value for key, value in load(name).state_dict().items()
            if key in own and own[key].shape == value.shape and not key.startswith("code_prior.")
        }
        if not shared:
            raise ValueError(f"{name} shares no weights with {self.spec.name}: nothing to start from")
        self.model.load_state_dict(shared, strict=False)

    def inputs(self, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        """Extra network inputs for a batch (none for the unconditional VAE)."""
        return {}

    def train_step(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        x = torch.bernoulli(images) if self.hparams["binarize"] else images
        inputs = self.inputs(labels)
        samples, kl_weight = self.hparams["iw_samples"], self.hparams["kl_weight"]
        if self.recent_codes is not None and self.in_last_epoch:
            with torch.no_grad():
                self.recent_codes.add(unwrap(self.model).posterior(x, **inputs)[0])
        if samples > 1:
            log_w = self.model.log_weights(x, samples, kl_weight=kl_weight, **inputs)
            loss = math.log(samples) - log_w.logsumexp(0).mean()
            self.step(loss)
            return {"loss": loss.item(), "elbo" if kl_weight == 1 else "weighted_elbo": log_w.mean().item()}
        mean, logvar, z, logits = self.model(x, **inputs)
        nll = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1).mean()
        kl = self.model.kl_to_prior(mean, logvar, z).mean()
        extra, logs = self.regulariser(mean, logvar, z)
        loss = nll + kl_weight * kl + extra
        self.step(loss)
        return {"loss": loss.item(), "recon": nll.item(), "kl": kl.item(), **logs}

    def regulariser(self, mean: torch.Tensor, logvar: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
        """A term added to the single-draw loss (with ``iw_samples`` 1), from the batch's posterior
        means, log-variances and reparameterised codes, and what to log of it: none here."""
        return z.new_zeros(()), {}

    def step(self, loss: torch.Tensor) -> None:
        """One optimiser step on ``loss``."""
        self.optimizer.zero_grad(set_to_none=True)
        self.backward(loss)
        self.optimizer_step(self.optimizer)

    @property
    def in_last_epoch(self) -> bool:
        """Whether the next step is one of the run's last epoch."""
        return self.scheduler.last_epoch >= (self.hparams["epochs"] - 1) * self.steps_per_epoch

    @property
    def finished(self) -> bool:
        """Whether every step of the run's epochs has been taken."""
        return self.scheduler.last_epoch >= self.hparams["epochs"] * self.steps_per_epoch

    @torch.no_grad()
    def export_model(self) -> VAE:
        """The model; with a code prior, fitted to the kept posterior means once training has
        finished (until then, or with fewer codes than components, ``sample`` draws from the
        prior the model is trained with)."""
        model = unwrap(self.model)
        if model.code_prior is None:
            return model
        codes, components = self.recent_codes.rows(), model.code_prior.components
        model.code_prior.fitted.fill_(False)
        if self.finished and codes.shape[0] < components:
            warnings.warn(f"the code prior is left unfitted: the last epoch gave {codes.shape[0]} codes for "
                          f"{components} components, so samples come from the trained prior", stacklevel=3)
        elif self.finished:
            model.code_prior.fit(codes)
        return model
