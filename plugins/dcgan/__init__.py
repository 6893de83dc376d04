"""DCGAN (Radford, Metz and Chintala 2015)."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    mnist = ModelSpec(
        name="dcgan-mnist",
        family="gan",
        summary="Deep convolutional GAN: transposed convolutions, batch norm, tanh output; self-conditioned on 100 k-means clusters",
        paper="https://arxiv.org/abs/1511.06434",
        dataset="mnist",
        licence="MIT",
        build="zoo.models.dcgan:DCGANGenerator",
        recipe="zoo_plugins.dcgan.recipe:DCGANRecipe",
        config={"latent_dim": 100, "width": 64, "channels": 1, "clusters": 100, "image_size": 28},
    )
    register(mnist)
    register(mnist.with_updates(name="dcgan-fashion-mnist", dataset="fashion-mnist", summary="The same DCGAN, trained on Fashion-MNIST clothing"))
