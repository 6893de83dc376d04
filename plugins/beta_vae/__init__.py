"""beta-VAE (Higgins et al. 2017): a VAE whose KL term is weighted by beta > 1, for disentangled codes."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="beta-vae-mnist",
            family="autoencoder",
            summary="beta-VAE: MLP VAE (two hidden layers of 512), 10-d Gaussian latent with N(0, I) prior, KL weighted "
            "by beta = 2; samples decode codes of a 100-component Gaussian mixture fitted to the posterior means",
            paper="https://openreview.net/forum?id=Sy2fzU9gl",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.vae:VAE",
            recipe="zoo_plugins.beta_vae.recipe:BetaVAERecipe",
            config={"latent_dim": 10, "hidden": [512, 512], "channels": 1, "image_size": 28,
                    "code_prior_components": 100},
        )
    )
