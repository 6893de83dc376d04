"""pix2pix (Isola et al. 2017): paired image-to-image GAN, here MNIST edge maps -> digits."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    mnist = ModelSpec(
        name="pix2pix-mnist",
        family="translation",
        summary="pix2pix: U-Net generator and conditional PatchGAN, L1 + adversarial loss; "
        "translates Sobel edge maps of MNIST digits back into digits",
        paper="https://arxiv.org/abs/1611.07004",
        dataset="mnist",
        licence="MIT",
        build="zoo_plugins.pix2pix.model:Pix2PixGenerator",
        recipe="zoo_plugins.pix2pix.recipe:Pix2PixRecipe",
        config={"width": 32, "examples": 1024},
    )
    register(mnist)
    register(mnist.with_updates(name="pix2pix-fashion-mnist", dataset="fashion-mnist", summary="The same pix2pix, trained on Fashion-MNIST: Sobel edge maps back into clothing"))
