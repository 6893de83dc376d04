"""DiscoGAN recipe (Kim et al. 2017): non-saturating GAN loss and MSE reconstruction of both round trips,
weighted 1 as in the paper (:class:`zoo.train.image_to_image.UnpairedRecipe`)."""
from __future__ import annotations

from typing import Any

from zoo.train.image_to_image import UnpairedRecipe


class DiscoGANRecipe(UnpairedRecipe):
    defaults: dict[str, Any] = {**UnpairedRecipe.defaults, "loss": "non-saturating", "cycle": "mse", "lambda_cycle": 1.0}
