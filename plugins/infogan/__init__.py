"""InfoGAN (Chen et al. 2016): unsupervised categorical and continuous codes."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="infogan-mnist",
            family="gan",
            summary="InfoGAN: the paper's MNIST networks with a 10-way categorical and 2 continuous codes; sample(n, codes=...) sweeps them",
            paper="https://arxiv.org/abs/1606.03657",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.infogan.model:InfoGANGenerator",
            recipe="zoo_plugins.infogan.recipe:InfoGANRecipe",
            config={
                "latent_dim": 62, "categories": 10, "continuous": 2, "width": 32, "hidden": 1024,
                "channels": 1, "image_size": 28,
            },
        )
    )
