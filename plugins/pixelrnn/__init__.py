"""PixelRNN with Row LSTM layers (van den Oord et al. 2016) over binarised MNIST."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="pixelrnn-mnist",
            family="autoregressive",
            summary="PixelRNN: Row LSTM layers (masked row convolutions, 1x3 convolutions of the row above and of its states, "
            "residual connections), p(x) = prod_t p(x_t | x_<t) in raster order with an exact likelihood",
            paper="https://arxiv.org/abs/1601.06759",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.pixelrnn.model:PixelRNN",
            recipe="zoo_plugins.pixelrnn.recipe:PixelRNNRecipe",
            config={"hidden": 32, "layers": 4, "kernel": 3, "head": 64},
        )
    )
