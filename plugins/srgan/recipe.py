"""SRGAN recipe (Ledig et al. 2017): pixel-wise MSE plus 0.001 times the adversarial loss. The paper's
VGG content loss is left out (no VGG for 28x28 digits): the pixel loss stands in for it."""
from __future__ import annotations

from typing import Any

from zoo.train.image_to_image import RestorationRecipe


class SRGANRecipe(RestorationRecipe):
    defaults: dict[str, Any] = {**RestorationRecipe.defaults, "pixel": "mse", "lambda_adv": 0.001}
