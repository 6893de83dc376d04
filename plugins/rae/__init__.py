"""Regularised autoencoder with ex-post density estimation (Ghosh et al. 2020, RAE-L2)."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="rae-mnist",
            family="autoencoder",
            summary="RAE-L2: deterministic MLP autoencoder (two hidden layers of 512), 16-d code with an L2 penalty on "
            "the codes and weight decay on the decoder; samples decode a 100-component Gaussian mixture fitted "
            "to the training codes after training",
            paper="https://arxiv.org/abs/1903.12436",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.mlp_autoencoder:MLPAutoencoder",
            recipe="zoo_plugins.rae.recipe:RAERecipe",
            config={"latent_dim": 16, "hidden": [512, 512], "channels": 1, "image_size": 28,
                    "code_prior_components": 100},
        )
    )
