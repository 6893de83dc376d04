"""Adversarial autoencoder (Makhzani et al. 2016)."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="aae-mnist",
            family="autoencoder",
            summary="Adversarial autoencoder: MLP autoencoder, 8-d code matched to N(0, I) by a discriminator",
            paper="https://arxiv.org/abs/1511.05644",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.aae.model:AdversarialAutoencoder",
            recipe="zoo_plugins.aae.recipe:AAERecipe",
            config={"latent_dim": 8, "hidden": [512, 256], "channels": 1, "image_size": 28},
        )
    )
