"""WGAN-div (Wu et al. 2018) on the DCGAN architecture."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="wgan-div-mnist",
            family="gan",
            summary="WGAN-div: DCGAN generator, critic without batch norm trained on the Wasserstein divergence (k 2, p 6); self-conditioned on 100 k-means clusters",
            paper="https://arxiv.org/abs/1712.01026",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="zoo_plugins.wgan_div.recipe:WGANDivRecipe",
            config={"latent_dim": 100, "width": 32, "channels": 1, "clusters": 100, "image_size": 28},
        )
    )
