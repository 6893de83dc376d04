"""A plugin that proves a dataset costs only plugins: toy shapes, their own evaluation network and a DCGAN.

``shapes`` is generated in code (16x16 grey images of four kinds of shape),
``shapes-classifier`` judges its samples, and ``dcgan-shapes`` is the core's
DCGAN generator at a tiny size. Tests install this package as the plugin
``shapes`` of the distribution ``toy-shapes`` and train, pin and bench both
models without the MNIST plugins.
"""
from zoo import DatasetSpec, ModelSpec, hookimpl

from .data import CLASSES, SIDE, TEST_SIZE, TRAIN_SIZE

SHAPE = (1, SIDE, SIDE)


@hookimpl
def register_datasets(register):
    register(
        DatasetSpec(
            name="shapes",
            load="toy_shapes.data:load",
            image_shape=SHAPE,
            classes=len(CLASSES),
            evaluator="shapes-classifier",
            summary=f"Toy shapes ({', '.join(CLASSES)}): {TRAIN_SIZE} training and {TEST_SIZE} test images",
        )
    )


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="shapes-classifier",
            family="classifier",
            summary="Tiny CNN that tells the toy shapes apart; its 32-d penultimate layer feeds FID/KID",
            dataset="shapes",
            licence="MIT",
            build="toy_shapes.model:ShapesClassifier",
            recipe="toy_shapes.recipes:ClassifierRecipe",
            config={"width": 8, "features": 32, "classes": len(CLASSES)},
        )
    )
    register(
        ModelSpec(
            name="dcgan-shapes",
            family="gan",
            summary="The core's DCGAN generator at 16x16, trained on the toy shapes",
            paper="https://arxiv.org/abs/1511.06434",
            dataset="shapes",
            licence="MIT",
            build="zoo.models.dcgan:DCGANGenerator",
            recipe="toy_shapes.recipes:DCGANRecipe",
            config={"latent_dim": 16, "width": 16, "channels": 1, "clusters": 0, "image_size": SIDE},
        )
    )
