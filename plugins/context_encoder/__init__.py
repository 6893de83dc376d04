"""Context Encoder (Pathak et al. 2016): inpaint the masked centre of MNIST digits."""
from zoo import ModelSpec, hookimpl


@hookimpl
def register_models(register):
    register(
        ModelSpec(
            name="context-encoder-mnist",
            family="translation",
            summary="Context Encoder: encoder-decoder fills the grey 12x12 centre of a digit, "
            "pixel (L2) + adversarial loss of a PatchGAN critic",
            paper="https://arxiv.org/abs/1604.07379",
            dataset="mnist",
            licence="MIT",
            build="zoo_plugins.context_encoder.model:ContextEncoder",
            recipe="zoo_plugins.context_encoder.recipe:ContextEncoderRecipe",
            config={"width": 32, "hole": 12, "examples": 1024},
        )
    )
