"""BicycleGAN (Zhu et al. 2017): multimodal paired translation, edge maps -> digits of several stroke weights."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="bicyclegan-mnist",
            family="translation",
            summary="BicycleGAN: U-Net generator with a latent code, cVAE-GAN + cLR-GAN losses; one edge map of a "
            "digit gives digits of several stroke weights, one per code",
            paper="https://arxiv.org/abs/1711.11586",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.bicyclegan.model:BicycleGANGenerator",
            recipe="zoo_plugins.bicyclegan.recipe:BicycleGANRecipe",
            config={"width": 16, "style_dim": 8, "examples": 1024},
        )
    )
