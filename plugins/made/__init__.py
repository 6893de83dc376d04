"""MADE (Germain et al. 2015): a masked autoencoder whose outputs are the conditionals p(x_d | x_<d)."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="made-mnist",
            family="autoregressive",
            summary="MADE: a masked MLP (one wide hidden layer and a direct masked input-output connection) whose "
            "outputs are the Bernoulli conditionals p(x_d | x_<d) in raster order, with an exact likelihood",
            paper="https://arxiv.org/abs/1502.03509",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.made.model:MADE",
            recipe="zoo_plugins.made.recipe:MADERecipe",
            config={"hidden": [1500], "direct": True},
        )
    )
