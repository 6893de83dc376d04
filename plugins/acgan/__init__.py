"""ACGAN (Odena et al. 2017): conditional generator, discriminator with an auxiliary classifier."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="acgan-mnist",
            family="gan",
            summary="Auxiliary classifier GAN: conditional DCGAN generator, discriminator that also predicts the class",
            paper="https://arxiv.org/abs/1610.09585",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:ConditionalDCGANGenerator",
            recipe="zoo_plugins.acgan.recipe:ACGANRecipe",
            config={"latent_dim": 100, "width": 32, "channels": 1, "num_classes": 10, "image_size": 28},
        )
    )
