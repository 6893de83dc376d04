"""ClusterGAN (Mukherjee et al. 2019, https://arxiv.org/abs/1809.03627): the latent is a one-hot
cluster code plus Gaussian noise, and an encoder trained with the generator maps images back
to both, so that images cluster by the code that made them."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="clustergan-mnist",
            family="gan",
            summary="ClusterGAN: DCGAN generator on a one-hot cluster code (10) plus N(0, 0.1^2) noise, "
            "with an encoder back to both; cluster(x) gives images' cluster ids",
            paper="https://arxiv.org/abs/1809.03627",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.clustergan.model:ClusterGAN",
            recipe="zoo_plugins.clustergan.recipe:ClusterGANRecipe",
            config={"latent_dim": 30, "clusters": 10, "sigma": 0.1, "width": 32, "channels": 1, "image_size": 28},
        )
    )
