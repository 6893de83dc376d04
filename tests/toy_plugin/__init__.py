"""A tiny deterministic flavour for trainer tests: an MLP autoencoder of crosses.

No batch norm and no random numbers in its training step, so one process and
several data-parallel processes must reach the same weights.
"""
from zoo import ModelSpec, hookimpl

SPEC = ModelSpec(
    name="toy-ae",
    family="autoencoder",
    summary="MLP autoencoder for trainer tests",
    dataset="crosses",
    licence="MIT",
    build="toy_plugin.model:ToyAutoencoder",
    recipe="toy_plugin.model:ToyRecipe",
    config={"hidden": 32, "code": 4},
    plugin="toy",
)


@hookimpl
def register_models(register):
    register(SPEC)
