"""The zoo's MNIST classifier: the feature network behind every quality metric."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="mnist-classifier",
            family="classifier",
            summary="Small CNN digit classifier; its 128-d penultimate layer feeds FID/KID",
            dataset="mnist",
            image_shape=(1, 28, 28),
            licence="MIT",
            build="zoo_plugins.classifier.model:DigitClassifier",
            recipe="zoo_plugins.classifier.recipe:ClassifierRecipe",
            config={"width": 32, "features": 128, "classes": 10},
        )
    )
