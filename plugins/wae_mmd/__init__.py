"""Wasserstein autoencoder with an MMD penalty (Tolstikhin et al. 2018)."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="wae-mmd-mnist",
            family="autoencoder",
            summary="WAE-MMD: deterministic MLP autoencoder (two hidden layers of 512), 8-d code whose distribution "
            "is pulled to N(0, I) by an MMD penalty; samples decode draws from N(0, I)",
            paper="https://arxiv.org/abs/1711.01558",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.mlp_autoencoder:MLPAutoencoder",
            recipe="zoo_plugins.wae_mmd.recipe:WAERecipe",
            config={"latent_dim": 8, "hidden": [512, 512], "channels": 1, "image_size": 28, "fitted_prior": False},
        )
    )
