"""Fashion-MNIST: 28x28 grey pictures of clothing in 10 classes.

Read from a local copy in torchvision's layout (``ROOT/FashionMNIST/raw``;
in this repository's development setup ROOT is ``../shared/data``),
downloaded when missing and online. Its evaluation network is
``fashion-mnist-classifier`` (plugins/classifier).
"""
from zoo import DatasetSpec, hookimpl


@hookimpl
def register_datasets(register):
    register(
        DatasetSpec(
            name="fashion-mnist",
            load="zoo_plugins.fashion_mnist.data:load",
            image_shape=(1, 28, 28),
            classes=10,
            evaluator="fashion-mnist-classifier",
            summary="Fashion-MNIST clothing (Xiao, Rasul and Vollgraf 2017): 60000 training and 10000 test images",
        )
    )
