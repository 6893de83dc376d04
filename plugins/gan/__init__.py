"""The original GAN (Goodfellow et al. 2014): MLP generator and discriminator."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="gan-mnist",
            family="gan",
            summary="Original GAN: MLP generator and discriminator, min-max or non-saturating loss, "
            "self-conditioned on 100 k-means clusters",
            paper="https://arxiv.org/abs/1406.2661",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.mlp_gan:MLPGenerator",
            recipe="zoo_plugins.gan.recipe:GANMLPRecipe",
            config={"latent_dim": 100, "hidden": [256, 512, 1024], "channels": 1, "image_size": 28, "clusters": 100},
        )
    )
