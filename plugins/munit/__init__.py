"""MUNIT (Huang et al. 2018): multimodal unsupervised translation, MNIST <-> coloured digits."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="munit-mnist",
            family="translation",
            summary="MUNIT: per-domain content encoders, style encoders and AdaIN decoders (MNIST, coloured "
            "digits); one coloured digit gives many MNIST digits, one per style code",
            paper="https://arxiv.org/abs/1804.04732",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.munit.model:MUNITNetworks",
            recipe="zoo_plugins.munit.recipe:MUNITRecipe",
            config={"width": 16, "style_dim": 8, "examples": 1024},
        )
    )
