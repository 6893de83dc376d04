"""RealNVP (Dinh et al. 2017): a multi-scale flow of affine couplings with an exact likelihood."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="realnvp-mnist",
            family="flow",
            summary="Real NVP: checkerboard and channel affine couplings over two scales with squeezing and "
            "factored-out latents; exact bits_per_dim(images, seed=) on dequantised 8-bit images, sample(temperature=)",
            paper="https://arxiv.org/abs/1605.08803",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.realnvp.model:RealNVP",
            recipe="zoo_plugins.realnvp.recipe:RealNVPRecipe",
            config={"hidden": 32, "blocks": 1, "couplings": 3},
        )
    )
