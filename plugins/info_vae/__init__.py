"""InfoVAE (Zhao, Song and Ermon 2019): the ELBO plus an MMD term that matches the aggregate posterior to the prior."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="info-vae-mnist",
            family="autoencoder",
            summary="InfoVAE (MMD-VAE, alpha = 1): MLP VAE (two hidden layers of 512), 16-d Gaussian latent with "
            "N(0, I) prior, Bernoulli cross-entropy on grey levels plus 10 x MMD between the sampled codes and prior "
            "draws, no KL term; samples decode codes of a 100-component Gaussian mixture fitted to the posterior means",
            paper="https://arxiv.org/abs/1706.02262",
            dataset="mnist",
            licence="MIT",
            build="zoo.models.vae:VAE",
            recipe="zoo_plugins.info_vae.recipe:InfoVAERecipe",
            config={"latent_dim": 16, "hidden": [512, 512], "channels": 1, "image_size": 28,
                    "code_prior_components": 100},
        )
    )
