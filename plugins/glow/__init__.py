"""Glow (Kingma and Dhariwal 2018): actnorm, invertible 1x1 convolutions and affine couplings over two scales."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="glow-mnist",
            family="flow",
            summary="Glow: steps of actnorm, invertible 1x1 convolution and affine coupling over two scales with "
            "squeezing and factored-out latents; exact bits_per_dim(images, seed=) on dequantised 8-bit images, "
            "sample(temperature=)",
            paper="https://arxiv.org/abs/1807.03039",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.glow.model:Glow",
            recipe="zoo_plugins.glow.recipe:GlowRecipe",
            config={"hidden": 64, "blocks": 1, "steps": 8},
        )
    )
