"""FactorVAE (Kim and Mnih 2018): the ELBO plus a discriminator's estimate of the codes' total correlation."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="factor-vae-mnist",
            family="autoencoder",
            summary="FactorVAE: MLP VAE (two hidden layers of 512), 10-d Gaussian latent with N(0, I) prior, ELBO "
            "plus gamma = 6 times the total correlation a code discriminator estimates; samples decode codes of "
            "a 100-component Gaussian mixture fitted to the posterior means",
            paper="https://arxiv.org/abs/1802.05983",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.vae:VAE",
            recipe="zoo_plugins.factor_vae.recipe:FactorVAERecipe",
            config={"latent_dim": 10, "hidden": [512, 512], "channels": 1, "image_size": 28,
                    "code_prior_components": 100},
        )
    )
