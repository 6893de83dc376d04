"""The VAE flavour: the shared VAE network, with the papers' NLLs it is compared with."""
from __future__ import annotations

from zoo.models.likelihood import QuotedNLL
from zoo.models.vae import VAE as SharedVAE


class VAE(SharedVAE):
    """``zoo.models.vae.VAE``; the bench shows these papers' test NLLs on binarised MNIST beside its own."""

    quoted_nll = (
        QuotedNLL("VAE", 88.6, "Tomczak and Welling 2018", "mnist"),
        QuotedNLL("VAE with VampPrior", 85.6, "Tomczak and Welling 2018", "mnist"),
        QuotedNLL("VAE", 86.8, "Burda et al. 2016", "mnist"),
        QuotedNLL("VAE, 2 stochastic layers", 85.3, "Burda et al. 2016", "mnist"),
    )
