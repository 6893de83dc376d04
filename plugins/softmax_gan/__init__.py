"""Softmax GAN (Lin 2017) on the DCGAN architecture."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="softmax-gan-mnist",
            family="gan",
            summary="Softmax GAN: DCGAN generator, spectrally normalised discriminator, one softmax over the batch's real and fake images; self-conditioned on 100 k-means clusters",
            paper="https://arxiv.org/abs/1704.06191",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="zoo_plugins.softmax_gan.recipe:SoftmaxGANRecipe",
            config={"latent_dim": 100, "width": 32, "channels": 1, "clusters": 100, "image_size": 28},
        )
    )
