"""DiscoGAN generators (Kim et al. 2017): plain encoder-decoders (convolutions down to 14x14 and back,
batch norm, no skip connections) between MNIST digits (A) and coloured digits (B)."""
from __future__ import annotations

import torch

from zoo.models.image_to_image import COLOURED, DIGITS, ColouredDigitsTranslation, ResNetTranslator


class DiscoGANGenerators(ColouredDigitsTranslation):
    """``b2a`` (coloured -> MNIST, the default) and ``a2b`` (MNIST -> coloured).

    ``inputs_from(digits, seed=s)`` colours digits (styles drawn from ``s``);
    ``translate(coloured)`` brings them back; ``sample(n)`` translates ``n``
    stored coloured training digits into MNIST digits.
    """

    def __init__(self, width: int = 16, examples: int = 1024) -> None:
        super().__init__(examples)
        self.a2b = ResNetTranslator(DIGITS[0], COLOURED[0], width, blocks=0, norm="batch")
        self.b2a = ResNetTranslator(COLOURED[0], DIGITS[0], width, blocks=0, norm="batch")

    def forward(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        """Images in ``[-1, 1]`` -> their translation in ``direction`` (``"a2b"`` or ``"b2a"``), in ``[-1, 1]``."""
        return getattr(self, direction)(x)
