"""Gated PixelCNN (van den Oord et al. 2016): masked-free gated convolutions over binarised MNIST."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="pixelcnn-mnist",
            family="autoregressive",
            summary="Gated PixelCNN with vertical and horizontal stacks (no blind spot), "
            "p(x) = prod_t p(x_t | x_<t) in raster order with Bernoulli outputs and an exact likelihood",
            paper="https://arxiv.org/abs/1606.05328",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.pixelcnn.model:PixelCNN",
            recipe="zoo_plugins.pixelcnn.recipe:PixelCNNRecipe",
            config={"channels": 64, "layers": 10, "kernel": 3, "first_kernel": 7, "head": 128},
        )
    )
