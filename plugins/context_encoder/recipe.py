"""Context Encoder recipe (Pathak et al. 2016): a reconstruction loss on the inpainted square (L2, as in
the paper; the rest of the output is the input's) plus a small adversarial term (the paper's 0.001)."""
from __future__ import annotations

from typing import Any

from zoo.train.image_to_image import RestorationRecipe


class ContextEncoderRecipe(RestorationRecipe):
    defaults: dict[str, Any] = {**RestorationRecipe.defaults, "pixel": "mse", "lambda_adv": 0.001}
