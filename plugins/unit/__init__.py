"""UNIT (Liu et al. 2017): unsupervised translation through a shared latent space, MNIST <-> coloured digits."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="unit-mnist",
            family="translation",
            summary="UNIT: two VAE-GANs (MNIST, coloured digits) sharing their inner encoder and decoder layers, "
            "so both domains map to one latent space; VAE + GAN + cycle losses",
            paper="https://arxiv.org/abs/1703.00848",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.unit.model:UNITNetworks",
            recipe="zoo_plugins.unit.recipe:UNITRecipe",
            config={"width": 16, "examples": 1024},
        )
    )
