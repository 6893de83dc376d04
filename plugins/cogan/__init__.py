"""Coupled GAN (Liu and Tuzel 2016, https://arxiv.org/abs/1606.07536): two GANs, one per domain,
whose generators share their first layers and discriminators their last, learn a joint
distribution of two domains from unpaired images: here MNIST digits and their negatives."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="cogan-mnist",
            family="gan",
            summary="Coupled GAN: two DCGAN generators sharing all but their last layer, for MNIST digits and "
            "their negatives, self-conditioned on 100 k-means clusters; sample(n) draws digits, sample_pairs(n) "
            "the digit and its negative from one code",
            paper="https://arxiv.org/abs/1606.07536",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.cogan.model:CoupledGenerator",
            recipe="zoo_plugins.cogan.recipe:CoGANRecipe",
            config={"latent_dim": 100, "width": 32, "channels": 1, "clusters": 100, "image_size": 28},
        )
    )
