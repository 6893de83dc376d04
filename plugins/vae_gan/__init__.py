"""VAE-GAN (Larsen et al. 2016): a VAE whose reconstruction error is measured in a GAN discriminator's features."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="vae-gan-mnist",
            family="autoencoder",
            summary="VAE-GAN: DCGAN-style convolutional VAE (32-d Gaussian latent, N(0, I) prior) whose reconstructions "
            "are compared in the features of a DCGAN discriminator that also sharpens the decoder adversarially; "
            "samples decode codes of a 100-component Gaussian mixture fitted to the posterior means after training",
            paper="https://arxiv.org/abs/1512.09300",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.vae_gan.model:VAEGAN",
            recipe="zoo_plugins.vae_gan.recipe:VAEGANRecipe",
            config={"latent_dim": 32, "width": 32, "channels": 1, "image_size": 28, "code_prior_components": 100},
        )
    )
