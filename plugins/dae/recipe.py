"""Denoising autoencoder recipe: minimise L(x, g(f(x~))) where x~ is a corrupted copy of x.

``noise`` selects the corruption: ``gaussian`` adds N(0, noise_level^2) to each
pixel (clipped to [0, 1]); ``masking`` zeroes a ``noise_level`` fraction of pixels.
"""
from __future__ import annotations

import torch

from zoo.models.autoencoder import gaussian_noise, masking_noise
from zoo.train.autoencoder import AutoencoderRecipe
from zoo.train.settings import FRACTION, Bound

NOISES = {"gaussian": gaussian_noise, "masking": masking_noise}


class DenoisingRecipe(AutoencoderRecipe):
    defaults = {**AutoencoderRecipe.defaults, "noise": "gaussian", "noise_level": 0.5}
    bounds = {**AutoencoderRecipe.bounds, "noise": Bound(choices=NOISES), "noise_level": FRACTION}

    def corrupt(self, images: torch.Tensor) -> torch.Tensor:
        return NOISES[self.hparams["noise"]](images, self.hparams["noise_level"])
