"""EBGAN (Zhao, Mathieu and LeCun 2017, https://arxiv.org/abs/1609.03126): the discriminator is an
autoencoder whose reconstruction error is an energy, low on real images and pushed up to a margin
on fakes; a pulling-away term keeps the generator's fakes apart in the critic's code space."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="ebgan-mnist",
            family="gan",
            summary="Energy-based GAN: DCGAN generator against an autoencoder critic (squared reconstruction "
            "error as energy) with a margin loss and the pulling-away term",
            paper="https://arxiv.org/abs/1609.03126",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="zoo_plugins.ebgan.recipe:EBGANRecipe",
            config={"latent_dim": 64, "width": 32, "channels": 1, "image_size": 28},
        )
    )
