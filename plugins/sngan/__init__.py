"""Spectrally normalised GAN (Miyato et al. 2018) with the hinge loss, on the DCGAN architecture."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="sngan-mnist",
            family="gan",
            summary="Spectrally normalised GAN: DCGAN generator, spectral-norm discriminator, hinge loss; self-conditioned on 100 k-means clusters",
            paper="https://arxiv.org/abs/1802.05957",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="zoo_plugins.sngan.recipe:SNGANRecipe",
            config={"latent_dim": 100, "width": 32, "channels": 1, "clusters": 100, "image_size": 28},
        )
    )
