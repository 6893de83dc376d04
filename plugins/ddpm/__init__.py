"""DDPM (Ho et al. 2020): a small U-Net denoiser, sampled with DDIM (Song et al. 2021) or ancestrally."""
from zoo import ModelSpec, hookimpl

CONFIG = {"widths": [16, 32, 64], "blocks": 1, "attention": False, "timesteps": 1000, "schedule": "cosine", "default_steps": 25}


@hookimpl
def register_models(register):
    for dataset in ("mnist", "fashion-mnist"):
        register(
            ModelSpec(
                name=f"ddpm-{dataset}",
                family="diffusion",
                summary="Denoising diffusion probabilistic model: a small U-Net denoises (v-prediction) over 1000 cosine-"
                "scheduled steps; sample(n, steps=) runs DDIM (25 steps by default), sampler='ancestral' the paper's",
                paper="https://arxiv.org/abs/2006.11239",
                dataset=dataset,
                licence="MIT",
                build="zoo_plugins.ddpm.model:DDPM",
                recipe="zoo_plugins.ddpm.recipe:DDPMRecipe",
                config=dict(CONFIG),
            )
        )
