"""Flow matching / rectified flow (Lipman et al. 2023; Liu et al. 2023) on the zoo's small U-Net."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="flow-matching-mnist",
            family="diffusion",
            summary="Conditional flow matching on straight noise-to-data paths (rectified flow): a small U-Net "
            "predicts the velocity; sample(n, steps=, solver=) integrates the ODE (10 Heun steps by default)",
            paper="https://arxiv.org/abs/2210.02747",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.flow_matching.model:RectifiedFlow",
            recipe="zoo_plugins.flow_matching.recipe:FlowMatchingRecipe",
            config={"widths": [16, 32, 64], "blocks": 1, "attention": False, "default_steps": 10, "default_solver": "heun"},
        )
    )
