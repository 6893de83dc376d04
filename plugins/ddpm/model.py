"""The DDPM flavour's generator: the core denoising diffusion model on 28x28 grey images."""
from __future__ import annotations

from zoo.models.diffusion import DenoisingDiffusion


class DDPM(DenoisingDiffusion):
    """A U-Net noise predictor on ``(1, 28, 28)`` images; see :class:`zoo.models.diffusion.DenoisingDiffusion`."""

    image_shape = (1, 28, 28)
