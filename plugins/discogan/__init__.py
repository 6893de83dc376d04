"""DiscoGAN (Kim et al. 2017): unpaired translation between MNIST and coloured digits."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="discogan-mnist",
            family="translation",
            summary="DiscoGAN: two encoder-decoder generators (MNIST <-> coloured digits), PatchGAN critics, "
            "GAN + reconstruction (MSE) losses; samples turn coloured digits back into MNIST",
            paper="https://arxiv.org/abs/1703.05192",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.discogan.model:DiscoGANGenerators",
            recipe="zoo_plugins.discogan.recipe:DiscoGANRecipe",
            config={"width": 16, "examples": 1024},
        )
    )
