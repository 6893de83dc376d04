"""The toy "cross" images: a cross whose centre and grey level are the hidden causes of a 28x28 image.

Generated in code (nothing to download), unlabelled and without an
evaluation network: for a quick try of a recipe and for fast tests.
``zoo_plugins.crosses.data.crosses`` also gives each image's known latent
factors, so that a test can check that a code captures them.
"""
from zoo import DatasetSpec, hookimpl


@hookimpl
def register_datasets(register):
    register(
        DatasetSpec(
            name="crosses",
            load="zoo_plugins.crosses.data:load",
            image_shape=(1, 28, 28),
            classes=0,
            evaluator=None,
            summary="Toy crosses: centre and grey level are the hidden causes (4096 training, 1024 test images)",
        )
    )
