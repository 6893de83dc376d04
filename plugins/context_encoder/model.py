"""Context Encoder (Pathak et al. 2016) for 28x28 digits: the centre square is painted grey and an
encoder-decoder (the core U-Net, 28 -> 7 -> 28) paints it back from its context."""
from __future__ import annotations

from zoo.models.image_to_image import UNet, Inpainting


class ContextEncoder(Inpainting):
    """Digits with a grey ``hole`` x ``hole`` centre -> whole digits.

    ``inputs_from(digits)`` paints the centre grey (deterministic);
    ``translate(masked)`` returns the digits with the centre filled in and the
    rest untouched; ``sample(n)`` inpaints ``n`` stored masked training digits.
    """

    metric_notes = {"kept": "fraction of test digits, centre masked and inpainted, that the zoo's MNIST "
                    "classifier gives the digit's own label"}

    def __init__(self, width: int = 32, hole: int = 12, examples: int = 1024) -> None:
        super().__init__(UNet(1, 1, width), hole, examples)
