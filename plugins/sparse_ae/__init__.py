"""Sparse autoencoder: an L1 penalty on a non-negative 64-d code."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="sparse-ae-mnist",
            family="autoencoder",
            summary="Sparse MLP autoencoder (784 -> 64 ReLU units -> 784), MSE + L1 on the code",
            paper="https://www.deeplearningbook.org/contents/autoencoders.html",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.sparse_ae.model:SparseAutoencoder",
            recipe="zoo_plugins.sparse_ae.recipe:SparseRecipe",
            config={"latent_dim": 64, "hidden": [512, 256], "channels": 1, "image_size": 28},
        )
    )
