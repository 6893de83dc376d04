"""Relativistic average GAN (Jolicoeur-Martineau 2018) on the DCGAN architecture."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="ragan-mnist",
            family="gan",
            summary="Relativistic average GAN: DCGAN networks, each side scored against the other's average; self-conditioned on 100 k-means clusters",
            paper="https://arxiv.org/abs/1807.00734",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="zoo_plugins.ragan.recipe:RaGANRecipe",
            config={"latent_dim": 100, "width": 32, "channels": 1, "clusters": 100, "image_size": 28},
        )
    )
