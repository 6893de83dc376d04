"""Wasserstein autoencoder with an MMD penalty (Tolstikhin et al. 2018)."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="wae-mmd-mnist",
            family="autoencoder",
            summary="WAE-MMD: deterministic MLP autoencoder (two hidden layers of 512), 16-d code whose distribution "
            "is pulled to N(0, I) by an MMD penalty; samples decode codes of a 100-component Gaussian mixture "
            "fitted to the training codes after training (ex-post density, Ghosh et al. 2020)",
            paper="https://arxiv.org/abs/1711.01558",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.mlp_autoencoder:MLPAutoencoder",
            recipe="zoo_plugins.wae_mmd.recipe:WAERecipe",
            config={"latent_dim": 16, "hidden": [512, 512], "channels": 1, "image_size": 28,
                    "code_prior_components": 100},
        )
    )
