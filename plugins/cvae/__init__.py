"""Conditional VAE: sample digits of a chosen class."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="cvae-mnist",
            family="autoencoder",
            summary="Conditional VAE: MLP encoder/decoder given the one-hot digit class, 4-d latent",
            paper="https://arxiv.org/abs/1406.5298",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.cvae.model:CVAE",
            recipe="zoo_plugins.cvae.recipe:CVAERecipe",
            config={"latent_dim": 4, "hidden": [512, 256], "channels": 1, "num_classes": 10, "image_size": 28},
        )
    )
