"""Recurrent autoregressive model: a GRU over the pixels of binarised MNIST in raster order."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="rnn-mnist",
            family="autoregressive",
            summary="GRU over the 784 pixels in raster order, p(x) = prod_t p(x_t | x_<t) with Bernoulli outputs "
            "and an exact likelihood; each step reads the previous pixel, 5 pixels of the row above and its position",
            paper="https://arxiv.org/abs/1601.06759",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.rnn.model:PixelRNN",
            recipe="zoo_plugins.rnn.recipe:PixelRNNRecipe",
            config={"hidden": 64, "layers": 1, "window": 5, "positions": True},
        )
    )
