"""Boundary-seeking GAN (Hjelm et al. 2018) on the DCGAN architecture."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="bgan-mnist",
            family="gan",
            summary="Boundary-seeking GAN: DCGAN networks, the generator aims at the discriminator's decision boundary; self-conditioned on 100 k-means clusters",
            paper="https://arxiv.org/abs/1702.08431",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="zoo_plugins.bgan.recipe:BGANRecipe",
            config={"latent_dim": 100, "width": 32, "channels": 1, "clusters": 100, "image_size": 28},
        )
    )
