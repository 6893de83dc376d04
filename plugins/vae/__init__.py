"""Variational autoencoder (Kingma and Welling 2014)."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="vae-mnist",
            family="autoencoder",
            summary="VAE with MLP encoder/decoder, 8-d Gaussian latent, learned 50-component mixture prior, Bernoulli likelihood",
            paper="https://arxiv.org/abs/1312.6114",
            dataset="mnist",
            image_shape=(1, 28, 28),
            latent_dim=8,
            licence="MIT",
            build="zoo_plugins.vae.model:VAE",
            recipe="zoo_plugins.vae.recipe:VAERecipe",
            config={"latent_dim": 8, "hidden": [512, 256], "channels": 1, "prior_components": 50},
        )
    )
