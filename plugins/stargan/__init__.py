"""StarGAN (Choi et al. 2018): one generator between several digit domains."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="stargan-mnist",
            family="translation",
            summary="StarGAN: one ResNet generator told the target domain (plain, thin, thick, inverted, coloured "
            "digits), a PatchGAN critic with a domain classifier; adversarial + domain + cycle losses",
            paper="https://arxiv.org/abs/1711.09020",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.stargan.model:StarGANGenerator",
            recipe="zoo_plugins.stargan.recipe:StarGANRecipe",
            config={"width": 16, "blocks": 2, "examples": 1024},
        )
    )
