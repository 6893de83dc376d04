"""VAE with a VampPrior (Tomczak and Welling 2018): the prior is the mixture of the posteriors of learned pseudo-inputs."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="vamp-vae-mnist",
            family="autoencoder",
            summary="VampPrior VAE: MLP VAE (two hidden layers of 512), 32-d Gaussian latent whose prior is the "
            "mixture of the encoder's posteriors of 500 learned pseudo-inputs, Bernoulli likelihood, trained on "
            "the importance-weighted bound (k = 10) from the vae-mnist encoder and decoder",
            paper="https://arxiv.org/abs/1705.07120",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.vamp_vae.model:VampVAE",
            recipe="zoo_plugins.vamp_vae.recipe:VampVAERecipe",
            config={"latent_dim": 32, "hidden": [512, 512], "channels": 1, "pseudo_inputs": 500, "image_size": 28},
        )
    )
