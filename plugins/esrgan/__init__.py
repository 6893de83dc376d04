"""ESRGAN (Wang et al. 2018): 4x super-resolution of MNIST digits from 7x7."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="esrgan-mnist",
            family="translation",
            summary="ESRGAN: residual-in-residual dense blocks without batch norm, nearest-neighbour upsampling, "
            "turns 7x7 digits into 28x28; L1 + relativistic-average adversarial loss",
            paper="https://arxiv.org/abs/1809.00219",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.esrgan.model:ESRGANGenerator",
            recipe="zoo_plugins.esrgan.recipe:ESRGANRecipe",
            config={"width": 32, "growth": 16, "blocks": 2, "examples": 1024},
        )
    )
