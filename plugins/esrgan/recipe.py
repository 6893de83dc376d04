"""ESRGAN recipe (Wang et al. 2018): L1 pixel loss plus 0.005 times the relativistic-average adversarial
loss (the paper's weights). The paper's VGG perceptual loss and its PSNR-only warm-up are left out."""
from __future__ import annotations

from typing import Any

from zoo.train.image_to_image import RestorationRecipe


class ESRGANRecipe(RestorationRecipe):
    defaults: dict[str, Any] = {**RestorationRecipe.defaults, "pixel": "l1", "lambda_adv": 0.005,
                                "loss": "relativistic-average"}
