"""RAE-L2 recipe (Ghosh et al. 2020): squared reconstruction error, plus ``code_weight`` times half the
squared norm of each code (in place of the VAE's noise and KL term), plus an L2 penalty of ``decoder_l2``
on the decoder's weights (a smooth decoder); the code prior is fitted to the codes at export."""
from __future__ import annotations

import torch

from zoo.train.autoencoder import AutoencoderRecipe
from zoo.train.settings import NON_NEGATIVE


class RAERecipe(AutoencoderRecipe):
    defaults = {**AutoencoderRecipe.defaults, "epochs": 20, "code_weight": 0.05, "decoder_l2": 1e-5}
    bounds = {**AutoencoderRecipe.bounds, "code_weight": NON_NEGATIVE, "decoder_l2": NON_NEGATIVE}
    min_useful_steps = 2000

    def setup(self) -> None:
        super().setup()
        groups = [
            {"params": list(self.model.encoder.parameters())},
            {"params": list(self.model.decoder.parameters()), "weight_decay": self.hparams["decoder_l2"]},
        ]
        self.optimizer = torch.optim.Adam(groups, lr=self.hparams["lr"])
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=self.hparams["epochs"] * self.steps_per_epoch
        )

    def penalty(self, codes: torch.Tensor) -> torch.Tensor:
        return self.hparams["code_weight"] * 0.5 * codes.square().sum(1).mean()
