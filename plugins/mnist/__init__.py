"""MNIST handwritten digits, judged by the zoo's ``mnist-classifier``.

Read from a local copy in torchvision's layout (``ROOT/MNIST/raw``; ``zoo
train --data ROOT``), downloaded when missing and online.
"""
from zoo import DatasetSpec, hookimpl


@hookimpl
def register_datasets(register):
    register(
        DatasetSpec(
            name="mnist",
            load="zoo_plugins.mnist.data:load",
            image_shape=(1, 28, 28),
            classes=10,
            evaluator="mnist-classifier",
            summary="MNIST handwritten digits (LeCun, Cortes and Burges): 60000 training and 10000 test images",
        )
    )
