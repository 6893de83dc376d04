"""PixelDA (Bousmalis et al. 2017): pixel-level domain adaptation from MNIST to digits on textured colour backgrounds."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="pixelda-mnist",
            family="translation",
            summary="PixelDA: a noise-fed ResNet generator turns labelled MNIST digits into digits on textured "
            "colour backgrounds (PatchGAN critic, task classifier on source and adapted digits, masked "
            "content loss); its classifier labels real textured digits, and a second network trained on the "
            "generator's pairs brings textured digits back into MNIST",
            paper="https://arxiv.org/abs/1612.05424",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.pixelda.model:PixelDANetworks",
            recipe="zoo_plugins.pixelda.recipe:PixelDARecipe",
            config={"width": 32, "blocks": 2, "noise_dim": 10, "examples": 1024},
        )
    )
