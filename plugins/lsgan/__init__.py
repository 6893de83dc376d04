"""Least squares GAN (Mao et al. 2017) on the DCGAN architecture."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="lsgan-mnist",
            family="gan",
            summary="Least squares GAN: DCGAN architecture trained with least-squares losses; self-conditioned on 100 k-means clusters",
            paper="https://arxiv.org/abs/1611.04076",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="zoo_plugins.lsgan.recipe:LSGANRecipe",
            config={"latent_dim": 100, "width": 32, "channels": 1, "clusters": 100, "image_size": 28},
        )
    )
