"""IWAE recipe (Burda et al. 2016): the VAE recipe on the bound log (1/k) sum_k p(x, z_k) / q(z_k|x) with
k = ``iw_samples`` = 20 draws per image. A run starts from the weights of ``init`` (the published vae-mnist,
itself trained on the k = 5 bound; "none" for random weights) at a lower learning rate, so the tighter bound
refines a trained model instead of paying for the whole descent again on a CPU."""
from __future__ import annotations

from zoo.data.datasets import ImageData
from zoo.train.settings import Bound
from zoo.train.vae import VAERecipe


class IWAERecipe(VAERecipe):
    defaults = {**VAERecipe.defaults, "epochs": 4, "lr": 3e-4, "iw_samples": 20, "init": "vae-mnist"}
    bounds = {**VAERecipe.bounds, "init": Bound(choices=("vae-mnist", "none"))}
    min_useful_steps = 500

    def prepare(self, data: ImageData) -> None:
        if self.hparams["init"] != "none":
            self.start_from(self.hparams["init"])
