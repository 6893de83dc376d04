"""The IWAE flavour: the shared VAE network (an IWAE differs from a VAE in its training bound only),
with the papers' NLLs it is compared with."""
from __future__ import annotations

from zoo.models.likelihood import QuotedNLL
from zoo.models.vae import VAE


class IWAE(VAE):
    """``zoo.models.vae.VAE``; the bench shows these papers' test NLLs on binarised MNIST beside its own."""

    quoted_nll = (
        QuotedNLL("VAE, k = 1, 1 stochastic layer", 86.76, "Burda et al. 2016", "mnist"),
        QuotedNLL("IWAE, k = 5, 1 stochastic layer", 85.54, "Burda et al. 2016", "mnist"),
        QuotedNLL("IWAE, k = 50, 1 stochastic layer", 84.78, "Burda et al. 2016", "mnist"),
    )
