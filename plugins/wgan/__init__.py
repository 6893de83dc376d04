"""Wasserstein GAN (Arjovsky et al. 2017) with weight clipping, on the DCGAN architecture."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="wgan-mnist",
            family="gan",
            summary="Wasserstein GAN: DCGAN generator, weight-clipped critic, five critic steps per generator step; self-conditioned on 100 k-means clusters",
            paper="https://arxiv.org/abs/1701.07875",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="zoo_plugins.wgan.recipe:WGANRecipe",
            config={"latent_dim": 100, "width": 32, "channels": 1, "clusters": 100, "image_size": 28},
        )
    )
