"""beta-TCVAE (Chen et al. 2018): a VAE whose total correlation term, alone, is weighted by beta."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="beta-tcvae-mnist",
            family="autoencoder",
            summary="beta-TCVAE: MLP VAE (two hidden layers of 512), 10-d Gaussian latent with N(0, I) prior, total "
            "correlation of the codes weighted by beta = 6 (minibatch-weighted estimate); samples decode codes of "
            "a 100-component Gaussian mixture fitted to the posterior means",
            paper="https://arxiv.org/abs/1802.04942",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.vae:VAE",
            recipe="zoo_plugins.beta_tcvae.recipe:BetaTCVAERecipe",
            config={"latent_dim": 10, "hidden": [512, 512], "channels": 1, "image_size": 28,
                    "code_prior_components": 100},
        )
    )
