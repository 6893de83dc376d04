"""VQ-VAE (van den Oord, Vinyals and Kavukcuoglu 2017) with an autoregressive prior (a small causal
transformer) over its grid of discrete codes."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="vq-vae-mnist",
            family="autoencoder",
            summary="VQ-VAE: convolutional encoder to a 7x7 grid of 16-d vectors, each replaced by the nearest of "
            "64 learned code-book vectors, convolutional decoder; samples draw a code grid from a small "
            "causal transformer prior over the code indices (3 layers of width 64, raster order)",
            paper="https://arxiv.org/abs/1711.00937",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.vq_vae.model:VQVAE",
            recipe="zoo_plugins.vq_vae.recipe:VQVAERecipe",
            config={"codebook_size": 64, "code_dim": 16, "width": 64, "prior_width": 64, "prior_layers": 3,
                    "channels": 1, "image_size": 28},
        )
    )
