"""DualGAN recipe (Yi et al. 2017): Wasserstein loss with critics' weights clipped to [-0.01, 0.01],
RMSprop-like small steps (Adam with beta1 = 0 here), and L1 reconstruction of both round trips
(:class:`zoo.train.image_to_image.UnpairedRecipe`); the critics are PatchGANs without batch norm."""
from __future__ import annotations

from typing import Any

from zoo.train.image_to_image import UnpairedRecipe


class DualGANRecipe(UnpairedRecipe):
    defaults: dict[str, Any] = {
        **UnpairedRecipe.defaults, "loss": "wasserstein", "cycle": "l1", "lambda_cycle": 20.0, "clip": 0.01,
        "lr": 5e-5, "betas": [0.0, 0.9], "d_norm": "none",
    }
