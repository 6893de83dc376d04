"""Importance-weighted autoencoder (Burda, Grosse and Salakhutdinov 2016)."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="iwae-mnist",
            family="autoencoder",
            summary="IWAE: MLP VAE (two hidden layers of 512), 32-d Gaussian latent, learned 100-component "
            "mixture-of-Gaussians prior, Bernoulli likelihood, trained on the importance-weighted bound with "
            "k = 20 draws per image, starting from the vae-mnist weights",
            paper="https://arxiv.org/abs/1509.00519",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.iwae.model:IWAE",
            recipe="zoo_plugins.iwae.recipe:IWAERecipe",
            config={"latent_dim": 32, "hidden": [512, 512], "channels": 1, "prior_components": 100, "image_size": 28},
        )
    )
