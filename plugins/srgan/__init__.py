"""SRGAN (Ledig et al. 2017): 4x super-resolution of MNIST digits from 7x7."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="srgan-mnist",
            family="translation",
            summary="SRGAN: residual generator (batch norm, PReLU, two pixel-shuffle 2x steps) turns 7x7 digits "
            "into 28x28, MSE + adversarial loss of a PatchGAN critic",
            paper="https://arxiv.org/abs/1609.04802",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.srgan.model:SRGANGenerator",
            recipe="zoo_plugins.srgan.recipe:SRGANRecipe",
            config={"width": 32, "blocks": 4, "examples": 1024},
        )
    )
