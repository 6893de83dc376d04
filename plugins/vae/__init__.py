"""Variational autoencoder (Kingma and Welling 2014)."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    mnist = ModelSpec(
        name="vae-mnist",
        family="autoencoder",
        summary="VAE with MLP encoder and decoder (two hidden layers of 512), 32-d Gaussian latent, "
        "learned 100-component mixture-of-Gaussians prior and Bernoulli likelihood, trained with the "
        "importance-weighted bound of Burda et al. 2016 (IWAE, 5 draws per image)",
        paper="https://arxiv.org/abs/1312.6114",
        dataset="mnist",
        licence="MIT",
        build="zoo_plugins.vae.model:VAE",
        recipe="zoo.train.vae:VAERecipe",
        config={"latent_dim": 32, "hidden": [512, 512], "channels": 1, "prior_components": 100, "image_size": 28},
    )
    register(mnist)
    register(mnist.with_updates(
        name="vae-fashion-mnist",
        dataset="fashion-mnist",
        summary="The same VAE on Fashion-MNIST clothing, trained with the KL term weighted 0.05 and sampled from a "
        "200-component full-covariance Gaussian mixture fitted to the posterior means after training",
        config={**mnist.config, "code_prior_components": 200},
    ))
