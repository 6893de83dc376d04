"""PixelDA networks (Bousmalis et al. 2017) for 28x28 digits.

Domain A is MNIST (the labelled source and the dataset's domain), domain B
digits on textured colour backgrounds (the unlabelled target,
:func:`zoo.models.digit_domains.on_texture`). PixelDA's generator ``a2b`` maps
a source digit and a noise vector to the target domain; its task classifier
``task`` learns the labels from source and adapted digits, and its accuracy
on real textured test digits is the paper's measure of the adaptation
(``target_accuracy``).

What ``kept`` measures: the zoo's default direction must lead into the
dataset's domain, which PixelDA's generator does not, and grey copies of
textured digits fool the MNIST classifier (about 0.12 of them keep their
label). So the published module also holds ``b2a``, a translator from the
textured domain back to MNIST trained only on the generator's pairs
(adapted digit, source digit) and an MNIST critic that sees it translate real
textured digits; it never sees a target label or a real textured digit's
source. ``kept`` is the fraction of textured test digits (backgrounds of seed
0) that ``b2a`` turns into MNIST digits of their own label: it can only be
high where the generator's textured digits look like real ones.
"""
from __future__ import annotations

import torch
from torch import nn

from zoo.models.base import check_images
from zoo.models.digit_domains import on_texture
from zoo.models.encoders import ConvEncoder
from zoo.models.image_to_image import COLOURED, DIGITS, KEPT_SEED, Multimodal, ResNetTranslator, diversity
from zoo.models.translation import EVAL_BATCH, Translation

CLASSES = 10
PATHS = ("a2b", "b2a", "task")


class NoisyGenerator(nn.Module):
    """PixelDA's generator: source digits ``(N, 1, 28, 28)`` and noise ``(N, noise_dim)`` -> target images
    ``(N, 3, 28, 28)``, in ``[-1, 1]``. As in the paper, a linear layer paints the noise into one extra
    input channel; a batch-normalised ResNet translator does the rest."""

    def __init__(self, noise_dim: int, width: int, blocks: int) -> None:
        super().__init__()
        self.noise_map = nn.Linear(noise_dim, DIGITS[1] * DIGITS[2])
        self.net = ResNetTranslator(DIGITS[0] + 1, COLOURED[0], width, blocks, norm="batch")

    def forward(self, x: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, self.noise_map(noise).view(-1, 1, *DIGITS[1:])], 1))


class PixelDANetworks(Multimodal):
    """``b2a`` (textured -> MNIST, the default) and ``a2b`` (MNIST + noise -> textured), and the task classifier.

    ``inputs_from(digits, seed=s)`` puts digits on textured backgrounds drawn
    from ``s``; ``translate(textured)`` brings them back to MNIST;
    ``translate(digits, direction="a2b", seed=s)`` adapts MNIST digits with
    noise drawn from ``s`` (or ``style=`` the noise, ``(N, noise_dim)``);
    ``classify(x)`` labels textured (or grey) digits. ``sample(n)`` turns
    ``n`` stored textured training digits into MNIST digits.
    """

    metric_notes = {
        "kept": "fraction of textured test digits (backgrounds of seed 0) translated into MNIST by b2a that the "
        "zoo's MNIST classifier gives the digit's own label (b2a learns only from the generator's pairs)",
        "cycle_label_accuracy": "the same for test digits adapted by the generator (noise of seed 0), then b2a",
        "target_accuracy": "fraction of textured test digits (backgrounds of seed 0) that PixelDA's own task "
        "classifier, trained without a target label, gives their label: the paper's measure",
        "diversity": "mean absolute pixel difference between the generator's adaptations of the same test digits "
        "under two noise vectors (pixels in [0, 1])",
    }

    def __init__(self, width: int = 32, blocks: int = 2, noise_dim: int = 10, examples: int = 1024) -> None:
        super().__init__({"b2a": (COLOURED, DIGITS), "a2b": (DIGITS, COLOURED)}, "b2a", examples)
        self.style_dim = noise_dim
        self.a2b = NoisyGenerator(noise_dim, width, blocks)
        self.b2a = ResNetTranslator(COLOURED[0], DIGITS[0], width, blocks, norm="batch")
        self.task = ConvEncoder(CLASSES, width, COLOURED[0])

    def forward(self, x: torch.Tensor, path: str, noise: torch.Tensor | None = None) -> torch.Tensor:
        """Images in ``[-1, 1]`` -> ``"a2b"`` (with ``noise``) or ``"b2a"`` translations in ``[-1, 1]``, or
        ``"task"`` class logits (grey digits are seen as three equal channels)."""
        if path == "a2b":
            return self.a2b(x, noise)
        if path == "b2a":
            return self.b2a(x)
        if path == "task":
            return self.task(x.expand(-1, COLOURED[0], -1, -1))
        raise ValueError(f"path must be one of {', '.join(PATHS)}, got {path!r}")

    def translate_styled(self, x: torch.Tensor, direction: str, style: torch.Tensor) -> torch.Tensor:
        return self(x * 2 - 1, direction, style).add(1).mul(0.5)

    def inputs_batch(self, images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return on_texture(images, generator)

    @torch.inference_mode()
    def class_logits(self, x: torch.Tensor) -> torch.Tensor:
        """Textured digits ``(N, 3, 28, 28)`` or grey ones ``(N, 1, 28, 28)`` in ``[0, 1]`` -> the task
        classifier's logits ``(N, 10)``."""
        grey = isinstance(x, torch.Tensor) and x.dim() == 4 and x.shape[1] == DIGITS[0]
        x = check_images(x, DIGITS if grey else COLOURED, "x (textured or grey digits)")
        return torch.cat([
            self(x[start : start + EVAL_BATCH].to(self.device, self.dtype) * 2 - 1, "task").float()
            for start in range(0, x.shape[0], EVAL_BATCH)
        ])

    def classify(self, x: torch.Tensor) -> torch.Tensor:
        """Textured (or grey) digits in ``[0, 1]`` -> predicted class ids ``(N,)`` (long)."""
        return self.class_logits(x).argmax(1)

    def label_keeping_translations(self, images: torch.Tensor) -> dict[str, tuple[torch.Tensor, Translation]]:
        """Textured test digits brought back into MNIST ("kept"), and test digits adapted (noise of seed 0) then brought back."""
        generator = torch.Generator().manual_seed(KEPT_SEED)

        def round_trip(batch: torch.Tensor) -> torch.Tensor:
            noise = torch.randn(batch.shape[0], self.style_dim, generator=generator).to(batch.device, batch.dtype)
            return self.translate_styled(self.translate_styled(batch, "a2b", noise), "b2a", noise)

        return {**super().label_keeping_translations(images), "cycle_label_accuracy": (images, round_trip)}

    @torch.inference_mode()
    def evaluation_metrics(self, images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
        """``target_accuracy`` of the task classifier on textured test digits and the ``diversity`` of ``a2b``."""
        predicted = self.classify(self.inputs_from(images, seed=KEPT_SEED)).cpu()
        return {
            "target_accuracy": round((predicted == labels.cpu()).double().mean().item(), 4),
            "diversity": diversity(self, images, "a2b"),
        }
