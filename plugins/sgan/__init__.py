"""Semi-supervised GAN (Odena 2016, https://arxiv.org/abs/1606.01583): a discriminator with
K+1 outputs (the K classes and "fake") learns to classify from a few labelled images
and many unlabelled ones."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="sgan-mnist",
            family="gan",
            summary="Semi-supervised GAN: DCGAN generator self-conditioned on 100 k-means clusters, K+1-way "
            "discriminator trained on 1000 labels; sample(n) draws digits, classify(x) labels them",
            paper="https://arxiv.org/abs/1606.01583",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.sgan.model:SemiSupervisedGAN",
            recipe="zoo_plugins.sgan.recipe:SGANRecipe",
            config={
                "latent_dim": 100, "width": 32, "channels": 1, "num_classes": 10, "clusters": 100, "image_size": 28,
            },
        )
    )
