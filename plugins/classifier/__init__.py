"""The evaluation networks of MNIST and Fashion-MNIST: the feature networks behind every quality metric."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    mnist = ModelSpec(
        name="mnist-classifier",
        family="classifier",
        summary="Small CNN digit classifier; its 128-d penultimate layer feeds FID/KID",
        dataset="mnist",
        licence="MIT",
        build="zoo_plugins.classifier.model:DigitClassifier",
        recipe="zoo_plugins.classifier.recipe:ClassifierRecipe",
        config={"width": 32, "features": 128, "classes": 10},
    )
    register(mnist)
    register(
        mnist.with_updates(
            name="fashion-mnist-classifier",
            dataset="fashion-mnist",
            summary="The same CNN, twice as wide, for Fashion-MNIST clothing; its 128-d penultimate layer feeds FID/KID",
            config={**mnist.config, "width": 64},
        )
    )
