"""Conditional DCGAN: convolutional generator and discriminator given the digit class."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    mnist = ModelSpec(
        name="cdcgan-mnist",
        family="gan",
        summary="Conditional DCGAN: label-conditioned convolutional generator and discriminator",
        paper="https://arxiv.org/abs/1411.1784",
        dataset="mnist",
        licence="MIT",
        build="zoo.models.dcgan:ConditionalDCGANGenerator",
        recipe="zoo_plugins.cdcgan.recipe:CDCGANRecipe",
        config={"latent_dim": 100, "width": 32, "channels": 1, "num_classes": 10, "image_size": 28},
    )
    register(mnist)
    register(mnist.with_updates(name="cdcgan-fashion-mnist", dataset="fashion-mnist", summary="The same conditional DCGAN, trained on Fashion-MNIST clothing (one label per class)"))
