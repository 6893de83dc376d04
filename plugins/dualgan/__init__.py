"""DualGAN (Yi et al. 2017): unpaired translation between MNIST and coloured digits."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="dualgan-mnist",
            family="translation",
            summary="DualGAN: two U-Net generators (MNIST <-> coloured digits), weight-clipped Wasserstein "
            "PatchGAN critics, L1 reconstruction; samples turn coloured digits back into MNIST",
            paper="https://arxiv.org/abs/1704.02510",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.dualgan.model:DualGANGenerators",
            recipe="zoo_plugins.dualgan.recipe:DualGANRecipe",
            config={"width": 16, "examples": 1024},
        )
    )
