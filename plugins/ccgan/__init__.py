"""CC-GAN (Denton et al. 2016): context-conditional GAN, semi-supervised, inpainting MNIST digits."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="ccgan-mnist",
            family="translation",
            summary="CC-GAN: a generator fills the grey 12x12 centre of a digit; its critic is also a digit "
            "classifier (10 classes + fake) trained on 100 labelled images",
            paper="https://arxiv.org/abs/1611.06430",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.ccgan.model:CCGANGenerator",
            recipe="zoo_plugins.ccgan.recipe:CCGANRecipe",
            config={"width": 32, "hole": 12, "examples": 1024},
        )
    )
