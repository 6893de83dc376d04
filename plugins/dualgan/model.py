"""DualGAN generators (Yi et al. 2017): U-Nets (the core U-Net) between MNIST digits (A) and coloured
digits (B)."""
from __future__ import annotations

from zoo.models.image_to_image import TranslatorPair, UNet


class DualGANGenerators(TranslatorPair):
    """``b2a`` (coloured -> MNIST, the default) and ``a2b`` (MNIST -> coloured).

    ``inputs_from(digits, seed=s)`` colours digits (styles drawn from ``s``);
    ``translate(coloured)`` brings them back; ``sample(n)`` translates ``n``
    stored coloured training digits into MNIST digits.
    """

    def __init__(self, width: int = 16, examples: int = 1024) -> None:
        super().__init__(lambda source, target: UNet(source, target, width), examples)
