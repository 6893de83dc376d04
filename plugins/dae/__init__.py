"""Denoising autoencoder (Vincent et al. 2008): the ae-mnist architecture trained on corrupted inputs."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="dae-mnist",
            family="autoencoder",
            summary="Denoising MLP autoencoder (784 -> 16 -> 784) trained on noisy inputs; Gaussian or masking noise",
            paper="https://www.cs.toronto.edu/~larocheh/publications/icml-2008-denoising-autoencoders.pdf",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.mlp_autoencoder:MLPAutoencoder",
            recipe="zoo_plugins.dae.recipe:DenoisingRecipe",
            config={
                "latent_dim": 16, "hidden": [512, 256], "code_activation": "linear", "channels": 1, "image_size": 28,
            },
        )
    )
