"""CycleGAN (Zhu et al. 2017): unpaired translation between MNIST and coloured, textured digits."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="cyclegan-mnist",
            family="translation",
            summary="CycleGAN: two ResNet generators (MNIST <-> MNIST-M-style colour digits), PatchGAN critics, "
            "LSGAN + cycle + identity + polarity losses; samples turn coloured digits back into MNIST",
            paper="https://arxiv.org/abs/1703.10593",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.cyclegan.model:CycleGANGenerators",
            recipe="zoo_plugins.cyclegan.recipe:CycleGANRecipe",
            config={"width": 16, "blocks": 2, "examples": 1024},
        )
    )
