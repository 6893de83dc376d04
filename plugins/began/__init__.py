"""BEGAN (Berthelot, Schumm and Metz 2017, https://arxiv.org/abs/1703.10717): an autoencoder
discriminator whose reconstruction error is the score, and a proportional control of the
balance k between the generator's and the discriminator's losses."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="began-mnist",
            family="gan",
            summary="Boundary equilibrium GAN: DCGAN generator against an autoencoder critic scored by L1 "
            "reconstruction error, balanced by the control variable k",
            paper="https://arxiv.org/abs/1703.10717",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="zoo_plugins.began.recipe:BEGANRecipe",
            config={"latent_dim": 64, "width": 32, "channels": 1, "image_size": 28},
        )
    )
