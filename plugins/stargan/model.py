"""StarGAN generator (Choi et al. 2018) for five digit domains in one network.

Every domain is shown in three channels (grey domains repeat their one
channel): ``plain`` (MNIST), ``thin`` and ``thick`` strokes, ``inverted``
(dark on light) and ``coloured``
(:func:`~zoo.models.digit_domains.colourise`). The generator takes an image
of any domain and the one-hot target domain as extra channels.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from zoo.models.digit_domains import colourise, invert, thick, thin
from zoo.models.image_to_image import COLOURED, DIGITS, ResNetTranslator
from zoo.models.translation import Translation, TranslationModel

DOMAINS = ("plain", "thin", "thick", "inverted", "coloured")


def render(digits: torch.Tensor, domains: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Digits ``(N, 1, 28, 28)`` drawn in the domains ``domains`` (indices into ``DOMAINS``), ``(N, 3, 28, 28)``;
    colours come from ``generator``."""
    drawn = [digits, thin(digits), thick(digits), invert(digits)]
    every = torch.stack([*(d.expand(-1, 3, -1, -1) for d in drawn), colourise(digits, generator)], 1)
    return every[torch.arange(digits.shape[0], device=digits.device), domains.to(digits.device)]


class StarGANGenerator(TranslationModel):
    """One generator, one direction per target domain: ``translate(x, direction="thick")``.

    Inputs are images of any domain in three channels ``(N, 3, 28, 28)``;
    grey targets give ``(N, 1, 28, 28)``, ``coloured`` gives ``(N, 3, 28, 28)``.
    The default direction is ``plain`` (into MNIST). ``inputs_from(digits,
    seed=s)`` draws each digit in a random non-plain domain (from ``s``);
    ``sample(n)`` turns ``n`` stored training images of random domains into plain digits.
    """

    metric_notes = {"kept": "fraction of test digits, drawn in a random other domain (seed 0) and translated to "
                    "plain, that the zoo's MNIST classifier gives the digit's own label"}

    def __init__(self, width: int = 16, blocks: int = 2, examples: int = 1024) -> None:
        directions = {name: (COLOURED, COLOURED if name == "coloured" else DIGITS) for name in DOMAINS}
        super().__init__(directions, "plain", examples)
        self.net = ResNetTranslator(COLOURED[0], COLOURED[0], width, blocks, code_dim=len(DOMAINS))

    def forward(self, x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Images ``(N, 3, 28, 28)`` in ``[-1, 1]`` and target domain indices ``(N,)`` -> 3-channel images in ``[-1, 1]``."""
        return self.net(x, F.one_hot(target, len(DOMAINS)).to(x.dtype))

    def translate_batch(self, x: torch.Tensor, direction: str) -> torch.Tensor:
        target = torch.full((x.shape[0],), DOMAINS.index(direction), dtype=torch.long, device=x.device)
        out = self(x * 2 - 1, target).add(1).mul(0.5)
        return out if direction == "coloured" else out.mean(1, keepdim=True)

    def inputs_batch(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        domains = torch.randint(1, len(DOMAINS), (images.shape[0],), generator=generator)
        return render(images, domains, generator)

    def label_keeping_translations(self, images: torch.Tensor) -> dict[str, tuple[torch.Tensor, Translation]]:
        """Test digits drawn in random other domains and translated to plain ("kept")."""
        return {"kept": (self.inputs_from(images, seed=0), lambda batch: self.translate_batch(batch, "plain"))}
