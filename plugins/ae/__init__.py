"""Undercomplete autoencoder: a 16-d code, squared-error reconstruction."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="ae-mnist",
            family="autoencoder",
            summary="Undercomplete MLP autoencoder (784 -> 16 -> 784), MSE; samples decode a Gaussian fitted to its codes",
            paper="https://www.deeplearningbook.org/contents/autoencoders.html",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.mlp_autoencoder:MLPAutoencoder",
            recipe="zoo.train.autoencoder:AutoencoderRecipe",
            config={
                "latent_dim": 16, "hidden": [512, 256], "code_activation": "linear", "channels": 1, "image_size": 28,
            },
        )
    )
