"""beta-VAE recipe: the VAE recipe on the single-draw ELBO with the KL term weighted by beta = ``kl_weight`` > 1,
which presses the code towards independent factors at the cost of reconstruction (Higgins et al. 2017)."""
from __future__ import annotations

from zoo.train.vae import VAERecipe


class BetaVAERecipe(VAERecipe):
    defaults = {**VAERecipe.defaults, "epochs": 30, "iw_samples": 1, "kl_weight": 2.0}
