"""The autoencoder discriminator of energy-based GANs (EBGAN, Zhao et al. 2017; BEGAN,
Berthelot et al. 2017): an image's score is how badly the critic reconstructs it."""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.dcgan import dcgan_init, dcgan_layout, upsampler
from zoo.models.encoders import ConvEncoder
from zoo.models.layers import without_batch_norm
from zoo.models.shapes import DEFAULT_IMAGE_SIZE

ERRORS = ("l1", "l2")


class AutoencoderCritic(nn.Module):
    """Image in [-1, 1] -> per-image reconstruction error (the energy), ``(N,)``.

    A :class:`~zoo.models.encoders.ConvEncoder` to a code of ``code_dim`` values and
    the DCGAN upsampling stages back (no batch norm); ``error`` is the mean absolute
    (``l1``, BEGAN) or squared (``l2``, EBGAN) difference per pixel.
    :meth:`energies_and_codes` also gives the codes (EBGAN's pulling-away term).
    """

    def __init__(
        self, code_dim: int = 64, width: int = 32, channels: int = 1, image_size: int = DEFAULT_IMAGE_SIZE,
        error: str = "l1",
    ) -> None:
        super().__init__()
        if error not in ERRORS:
            raise ValueError(f"error {error!r} is not one of {', '.join(ERRORS)}")
        base, stages = dcgan_layout(image_size, "autoencoder critic")
        top = width * 2 ** (stages - 1)
        self.error = error
        self.encoder = ConvEncoder(code_dim, width, channels, image_size)
        self.decoder = nn.Sequential(
            nn.Linear(code_dim, top * base * base),
            nn.Unflatten(1, (top, base, base)),
            nn.ReLU(inplace=True),
            *without_batch_norm(nn.Sequential(*upsampler(width, channels, stages))),
        )
        self.decoder.apply(dcgan_init)

    def energies_and_codes(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        codes = self.encoder(x)
        difference = self.decoder(codes) - x
        errors = difference.abs() if self.error == "l1" else difference.square()
        return errors.flatten(1).mean(1), codes

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.energies_and_codes(x)[0]
