"""The shared architectures build, sample and train at the image size and channel count a config asks for."""
from __future__ import annotations

import pytest
import torch

import zoo
from zoo.core.registry import get_spec
from zoo.data.datasets import ImageData
from zoo.hub.load import instantiate
from zoo.models.architecture import architecture
from zoo.models.autoencoder import Autoencoder
from zoo.models.dcgan import DCGANDiscriminator, DCGANGenerator
from zoo.train.run_folder import write_model_folder

pytestmark = pytest.mark.usefixtures("one_torch_thread")

DCGAN = {"latent_dim": 8, "width": 4}
MLP = {"latent_dim": 8, "hidden": [16]}
# small widths of every flavour whose architecture builds at any supported image_size
SMALL = {
    "dcgan-mnist": {**DCGAN, "clusters": 3},
    "lsgan-mnist": {**DCGAN, "clusters": 3},
    "sngan-mnist": {**DCGAN, "clusters": 3},
    "wgan-mnist": {**DCGAN, "clusters": 3},
    "wgan-gp-mnist": {**DCGAN, "clusters": 3},
    "acgan-mnist": DCGAN,
    "cdcgan-mnist": DCGAN,
    "infogan-mnist": {**DCGAN, "hidden": 16},
    "gan-mnist": MLP,
    "cgan-mnist": MLP,
    "ae-mnist": MLP,
    "dae-mnist": MLP,
    "sparse-ae-mnist": MLP,
    "aae-mnist": MLP,
    "vae-mnist": {**MLP, "prior_components": 3},
    "cvae-mnist": MLP,
}
BATCH = 8


def small_config(name: str, image_size: int, channels: int) -> dict:
    return {**get_spec(name).config, **SMALL[name], "image_size": image_size, "channels": channels}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_published_flavours_default_to_grey_28_pixel_images(name: str) -> None:
    spec = get_spec(name)
    assert (spec.config["image_size"], spec.config["channels"]) == (28, 1)
    assert instantiate(spec).image_shape == architecture(spec).image_shape == (1, 28, 28)


@pytest.mark.parametrize("size", [32, 64])
@pytest.mark.parametrize("name", sorted(SMALL))
def test_every_flavour_builds_and_samples_rgb_images_of_the_configured_size(name: str, size: int) -> None:
    torch.manual_seed(0)
    model = instantiate(get_spec(name), small_config(name, size, channels=3)).eval().requires_grad_(False)
    assert model.image_shape == (3, size, size)
    images = model.sample(2, seed=0)
    assert images.shape == (2, 3, size, size)
    assert 0.0 <= images.min() and images.max() <= 1.0
    if isinstance(model, Autoencoder):
        conditioning = {"labels": [0, 1]} if name == "cvae-mnist" else {}
        assert model.reconstruct(images, **conditioning).shape == images.shape


def train_one_step(name: str, size: int) -> torch.nn.Module:
    """One step of the flavour's recipe on random RGB images of ``size``; returns the exported model."""
    spec = get_spec(name)
    recipe_class = spec.recipe_class()
    hparams = {**recipe_class.defaults, "epochs": 1, "batch_size": BATCH}
    torch.manual_seed(0)
    recipe = recipe_class(spec, small_config(name, size, channels=3), hparams, torch.device("cpu"), 1)
    images, labels = torch.rand(BATCH, 3, size, size), torch.arange(BATCH) % 10
    recipe.prepare(ImageData(images, labels))
    losses = recipe.train_step(images, labels)
    assert losses and all(torch.isfinite(torch.tensor(float(value))) for value in losses.values()), losses
    return recipe.export_model()


@pytest.mark.parametrize(
    "name, size", [(name, 32) for name in sorted(SMALL)] + [("dcgan-mnist", 64), ("vae-mnist", 64)]
)
def test_a_training_step_runs_on_rgb_images_of_the_configured_size(name: str, size: int) -> None:
    model = train_one_step(name, size)
    assert model.image_shape == (3, size, size)
    assert model.sample(2, seed=0).shape == (2, 3, size, size)


def test_a_run_folder_of_64_pixel_rgb_images_loads_with_its_size(tmp_path) -> None:
    spec = get_spec("dcgan-mnist")
    config = small_config("dcgan-mnist", 64, channels=3)
    model = train_one_step("dcgan-mnist", 64)
    write_model_folder(tmp_path, spec, config, model)
    loaded = zoo.load(tmp_path)
    assert loaded.image_shape == (3, 64, 64)
    assert torch.equal(loaded.sample(2, seed=0), model.eval().sample(2, seed=0))


@pytest.mark.parametrize("size", [16, 20, 24, 28, 32, 40, 48, 56, 64, 96, 128])
def test_dcgan_networks_build_at_every_size_of_the_form_4_to_7_times_a_power_of_two(size: int) -> None:
    generator = DCGANGenerator(latent_dim=4, width=2, channels=3, image_size=size)
    images = generator(torch.randn(2, 4))
    assert images.shape == (2, 3, size, size)
    assert DCGANDiscriminator(width=2, channels=3, image_size=size)(images).shape == (2,)


@pytest.mark.parametrize("name", ["dcgan-mnist", "acgan-mnist", "infogan-mnist"])
@pytest.mark.parametrize("size", [50, 12, 8, 36, 0, "64"])
def test_a_size_the_dcgan_family_cannot_build_is_refused_with_the_sizes_that_work(name: str, size) -> None:
    with pytest.raises(ValueError, match=rf"image_size {size!r} is not supported by the \w+ generator; "
                                         r"supported: 16, 20, 24, 28, 32, .*64"):
        instantiate(get_spec(name), {**get_spec(name).config, "image_size": size})


@pytest.mark.parametrize("name", ["gan-mnist", "vae-mnist", "ae-mnist"])
@pytest.mark.parametrize("setting, value", [("image_size", 0), ("image_size", 2.5), ("channels", -1)])
def test_a_size_an_mlp_cannot_build_is_refused(name: str, setting: str, value) -> None:
    with pytest.raises(ValueError, match=rf"{setting} {value!r} is not supported by the .*positive whole number"):
        instantiate(get_spec(name), {**get_spec(name).config, setting: value})


def test_a_discriminator_of_a_config_without_image_size_matches_the_published_generators() -> None:
    """Configs written before image_size existed (published folders, older runs) build 28x28 networks."""
    from zoo.models.dcgan import discriminator_for

    config = {key: value for key, value in get_spec("dcgan-mnist").config.items() if key != "image_size"}
    assert DCGANGenerator(**config).image_shape == (1, 28, 28)
    assert discriminator_for(config)(torch.rand(2, 1, 28, 28) * 2 - 1, torch.tensor([0, 1])).shape == (2,)
