"""DRAGAN (Kodali et al. 2017) on the DCGAN architecture."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="dragan-mnist",
            family="gan",
            summary="DRAGAN: DCGAN generator, discriminator without batch norm under a gradient penalty around the real images (lambda 10); self-conditioned on 100 k-means clusters",
            paper="https://arxiv.org/abs/1705.07215",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="zoo_plugins.dragan.recipe:DRAGANRecipe",
            config={"latent_dim": 100, "width": 32, "channels": 1, "clusters": 100, "image_size": 28},
        )
    )
