"""Conditional GAN (Mirza and Osindero 2014): MLPs conditioned on the digit class."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="cgan-mnist",
            family="gan",
            summary="Conditional GAN: MLP generator and discriminator given the one-hot digit class",
            paper="https://arxiv.org/abs/1411.1784",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.cgan.model:ConditionalMLPGenerator",
            recipe="zoo_plugins.cgan.recipe:CGANRecipe",
            config={"latent_dim": 100, "hidden": [256, 512, 1024], "channels": 1, "num_classes": 10, "image_size": 28},
        )
    )
