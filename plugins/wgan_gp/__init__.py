"""WGAN with gradient penalty (Gulrajani et al. 2017) on the DCGAN architecture."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    mnist = ModelSpec(
        name="wgan-gp-mnist",
        family="gan",
        summary="WGAN-GP: DCGAN generator, critic without batch norm under a gradient penalty (lambda 10); self-conditioned on 100 k-means clusters",
        paper="https://arxiv.org/abs/1704.00028",
        dataset="mnist",
        licence="MIT",
        build="zoo.models.dcgan:DCGANGenerator",
        recipe="zoo_plugins.wgan_gp.recipe:WGANGPRecipe",
        config={"latent_dim": 100, "width": 32, "channels": 1, "clusters": 100, "image_size": 28},
    )
    register(mnist)
    register(mnist.with_updates(
        name="wgan-gp-fashion-mnist",
        dataset="fashion-mnist",
        summary="The same WGAN-GP at twice the width (64), trained on Fashion-MNIST clothing",
        config={**mnist.config, "width": 64},
    ))
