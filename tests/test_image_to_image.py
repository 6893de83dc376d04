"""The image-to-image shelf: digit domains, and each flavour's inputs_from/translate contract on tiny
configs (shapes, seeding, what passes through untouched, style codes)."""
from __future__ import annotations

import pytest
import torch

from zoo.core.registry import get_spec
from zoo.data.datasets import ImageData
from zoo.models import digit_domains as domains
from zoo.models.image_to_image import Multimodal, diversity
from zoo.models.translation import to_uint8
from zoo.testing import example_images

pytestmark = pytest.mark.usefixtures("one_torch_thread")

TINY = {
    "context-encoder-mnist": {"width": 4, "examples": 8},
    "ccgan-mnist": {"width": 4, "examples": 8},
    "srgan-mnist": {"width": 4, "blocks": 1, "examples": 8},
    "esrgan-mnist": {"width": 4, "growth": 2, "blocks": 1, "examples": 8},
    "stargan-mnist": {"width": 4, "blocks": 1, "examples": 8},
    "discogan-mnist": {"width": 4, "examples": 8},
    "dualgan-mnist": {"width": 4, "examples": 8},
    "unit-mnist": {"width": 4, "examples": 8},
    "munit-mnist": {"width": 4, "style_dim": 3, "examples": 8},
    "bicyclegan-mnist": {"width": 4, "style_dim": 3, "examples": 8},
    "pixelda-mnist": {"width": 4, "blocks": 1, "noise_dim": 3, "examples": 8},
}
INPUT_SHAPE = {
    "context-encoder-mnist": (1, 28, 28), "ccgan-mnist": (1, 28, 28), "srgan-mnist": (1, 7, 7),
    "esrgan-mnist": (1, 7, 7), "stargan-mnist": (3, 28, 28), "discogan-mnist": (3, 28, 28),
    "dualgan-mnist": (3, 28, 28), "unit-mnist": (3, 28, 28), "munit-mnist": (3, 28, 28),
    "bicyclegan-mnist": (1, 28, 28), "pixelda-mnist": (3, 28, 28),
}
SEEDED_INPUTS = {"stargan-mnist", "discogan-mnist", "dualgan-mnist", "unit-mnist", "munit-mnist", "pixelda-mnist"}
MULTIMODAL = ["munit-mnist", "bicyclegan-mnist"]


def tiny(name: str) -> torch.nn.Module:
    torch.manual_seed(0)
    return get_spec(name).builder()(**TINY[name]).eval()


def digits(n: int = 4) -> torch.Tensor:
    return example_images((1, 28, 28), n)


# --- the digit domains ------------------------------------------------------------


def test_shrink_averages_blocks_and_mask_paints_only_the_centre():
    images = digits()
    small = domains.shrink(images)
    assert small.shape == (4, 1, 7, 7)
    assert torch.allclose(small[:, :, 0, 0], images[:, :, :4, :4].mean((2, 3)), atol=1 / 255)
    masked = domains.mask_centre(images, 12)
    assert torch.equal(masked[..., 8:20, 8:20], torch.full((4, 1, 12, 12), domains.MASK_FILL))
    outside = domains.centre_mask(28, 28, 12) == 0
    assert torch.equal(masked[outside.expand_as(masked)], images[outside.expand_as(images)])
    with pytest.raises(ValueError, match="between 1 and 28"):
        domains.mask_centre(images, 30)


@pytest.mark.parametrize("style", [domains.colourise, domains.on_texture])
def test_coloured_domains_are_seeded_rgb_images(style):
    images = digits()
    a = style(images, torch.Generator().manual_seed(3))
    assert a.shape == (4, 3, 28, 28) and 0 <= a.min() and a.max() <= 1
    assert torch.equal(a, style(images, torch.Generator().manual_seed(3)))
    assert not torch.equal(a, style(images, torch.Generator().manual_seed(4)))


def test_stroke_weight_polarity_and_edges():
    images = digits()
    step = 0.5 / 255  # rounding to 8-bit levels
    assert (domains.thin(images) <= images + step).all() and (domains.thick(images) >= images - step).all()
    assert domains.thin(images).sum() < images.sum() < domains.thick(images).sum()
    assert torch.allclose(domains.invert(images), 1 - images, atol=1 / 255)
    edge_map = domains.edges(images)
    assert edge_map.shape == images.shape and 0 <= edge_map.min() and edge_map.max() <= 1 and edge_map.max() > 0
    assert domains.edges(torch.full((1, 1, 28, 28), 0.7)).abs().max() == 0


# --- every flavour: inputs_from and translate ----------------------------------


@pytest.mark.parametrize("name", list(TINY))
def test_inputs_from_gives_the_input_domain_and_translate_brings_it_back(name):
    model = tiny(name)
    images = digits()
    inputs = model.inputs_from(images, seed=1)
    assert inputs.shape == (4, *INPUT_SHAPE[name]) and model.input_shape == INPUT_SHAPE[name]
    assert torch.equal(inputs, model.inputs_from(images, seed=1))
    assert torch.equal(inputs, model.inputs_from(images, seed=2)) != (name in SEEDED_INPUTS)
    out = model.translate(inputs, seed=0)
    assert out.shape == (4, 1, 28, 28) and 0 <= out.min() and out.max() <= 1
    assert model.sample(5, seed=2).shape == (5, 1, 28, 28)
    assert torch.allclose(model.sample(5, seed=2)[:3], model.sample(3, seed=2), atol=1e-6)


@pytest.mark.parametrize("name", ["context-encoder-mnist", "ccgan-mnist"])
def test_inpainting_changes_only_the_masked_square(name):
    model = tiny(name)
    inputs = model.inputs_from(digits())
    out = model.translate(inputs)
    outside = (model.mask == 0).expand_as(out)
    assert torch.allclose(out[outside], inputs[outside], atol=1e-6)
    assert not torch.allclose(out[~outside], inputs[~outside], atol=1e-3)


@pytest.mark.parametrize("name", ["srgan-mnist", "esrgan-mnist"])
def test_super_resolution_takes_7x7_images(name):
    model = tiny(name)
    assert list(model.directions) == ["x4"]
    assert torch.equal(model.inputs_from(digits()), domains.shrink(digits()))
    with pytest.raises(ValueError, match=r"shape \(N, 1, 7, 7\)"):
        model.translate(digits())


def test_esrgan_trains_on_its_linear_output_and_clamps_its_translations():
    model = tiny("esrgan-mnist")
    with torch.no_grad():
        model.head[-1].bias.fill_(5.0)
    inputs = model.inputs_from(digits())
    assert model(inputs * 2 - 1).min() > 1  # what the L1 loss sees: no saturating tanh
    assert torch.equal(model.translate(inputs), torch.ones(4, 1, 28, 28))


@pytest.mark.parametrize("name", ["discogan-mnist", "dualgan-mnist", "unit-mnist", "munit-mnist"])
def test_unpaired_models_translate_both_ways(name):
    model = tiny(name)
    assert list(model.directions) == ["b2a", "a2b"]
    assert model.translate(digits(), direction="a2b", seed=0).shape == (4, 3, 28, 28)
    assert torch.equal(model.inputs_from(digits(), seed=5), domains.colourise(digits(), torch.Generator().manual_seed(5)))


def test_stargan_translates_into_every_domain_with_one_generator():
    model = tiny("stargan-mnist")
    inputs = model.inputs_from(digits(), seed=0)
    shapes = {name: tuple(model.translate(inputs, direction=name).shape) for name in model.directions}
    assert shapes == {"plain": (4, 1, 28, 28), "thin": (4, 1, 28, 28), "thick": (4, 1, 28, 28),
                      "inverted": (4, 1, 28, 28), "coloured": (4, 3, 28, 28)}
    assert not torch.allclose(model.translate(inputs, direction="thin"), model.translate(inputs, direction="thick"))


# --- multimodal: style codes --------------------------------------------------------


@pytest.mark.parametrize("name", MULTIMODAL)
def test_a_seed_or_a_style_code_picks_the_output(name):
    model = tiny(name)
    assert isinstance(model, Multimodal)
    inputs = model.inputs_from(digits(), seed=0)
    a = model.translate(inputs, seed=1)
    assert torch.equal(a, model.translate(inputs, seed=1))
    assert not torch.allclose(a, model.translate(inputs, seed=2))
    assert torch.allclose(model.translate(inputs[:2], seed=1), a[:2], atol=1e-6)  # image i's code: (seed, i)
    codes = model.style_codes(4, 1)
    assert torch.equal(model.translate(inputs, style=codes), a)
    assert diversity(model, inputs) > 0
    with pytest.raises(ValueError, match=rf"style must have shape \(4, {model.style_dim}\)"):
        model.translate(inputs, style=torch.zeros(4, model.style_dim + 1))
    with pytest.raises(TypeError, match="style must be a float tensor"):
        model.translate(inputs, style=torch.zeros(4, model.style_dim, dtype=torch.long))


def test_munit_takes_the_style_of_a_reference_image():
    model = tiny("munit-mnist")
    style = model.style_of(digits(2), "a")
    assert style.shape == (2, 3)
    coloured = model.inputs_from(digits(2), seed=0)
    assert model.translate(coloured, style=style).shape == (2, 1, 28, 28)


# --- PixelDA: MNIST adapted to textured backgrounds, and back -------------------------------


def test_pixelda_adapts_digits_with_seeded_noise_and_brings_textured_digits_back():
    model = tiny("pixelda-mnist")
    assert list(model.directions) == ["b2a", "a2b"]
    textured = model.inputs_from(digits(), seed=5)
    assert torch.equal(textured, domains.on_texture(digits(), torch.Generator().manual_seed(5)))
    adapted = model.translate(digits(), direction="a2b", seed=1)
    assert adapted.shape == (4, 3, 28, 28) and 0 <= adapted.min() and adapted.max() <= 1
    assert torch.equal(adapted, model.translate(digits(), direction="a2b", seed=1))
    assert not torch.allclose(adapted, model.translate(digits(), direction="a2b", seed=2))
    assert torch.equal(model.translate(digits(), direction="a2b", style=model.style_codes(4, 1)), adapted)
    assert torch.equal(model.translate(textured, seed=1), model.translate(textured, seed=2))  # b2a takes no noise
    with pytest.raises(ValueError, match=r"\(of direction 'b2a'\) must have shape \(N, 3, 28, 28\)"):
        model.translate(digits())
    with pytest.raises(ValueError, match=r"\(of direction 'a2b'\) must have shape \(N, 1, 28, 28\)"):
        model.translate(textured, direction="a2b")
    with pytest.raises(ValueError, match="unknown direction 'a2a'"):
        model.translate(textured, direction="a2a")


def test_pixelda_classifier_labels_textured_digits_and_grey_ones_as_three_equal_channels():
    model = tiny("pixelda-mnist")
    predicted = model.classify(model.inputs_from(digits(), seed=0))
    assert predicted.shape == (4,) and predicted.dtype == torch.long and 0 <= predicted.min() and predicted.max() < 10
    assert torch.equal(model.class_logits(digits()), model.class_logits(digits().expand(-1, 3, -1, -1)))
    with pytest.raises(ValueError, match=r"x \(textured or grey digits\) must have shape \(N, 3, 28, 28\)"):
        model.classify(torch.rand(2, 2, 28, 28))
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        model.classify(digits() * 2 - 1)
    with pytest.raises(ValueError, match="path must be one of a2b, b2a, task"):
        model(digits() * 2 - 1, "classify")


def test_pixelda_card_gives_kept_and_the_target_domain_classifier_accuracy():
    from zoo.evaluate.quality import Judge, family_metrics
    from zoo.hub.load import instantiate

    model = tiny("pixelda-mnist")
    test = ImageData(digits(20), torch.arange(20) % 10)
    network = instantiate(get_spec("mnist-classifier"), {"width": 4, "features": 16, "classes": 10}).eval()
    metrics = family_metrics(model, Judge(network, test))
    assert set(metrics) == set(model.metric_notes) == {"kept", "cycle_label_accuracy", "target_accuracy", "diversity"}
    textured = domains.on_texture(test.images, torch.Generator().manual_seed(0))
    assert metrics["target_accuracy"] == (model.classify(textured) == test.labels).double().mean().item()
    assert all(0 <= metrics[key] <= 1 for key in ("kept", "cycle_label_accuracy", "target_accuracy"))
    assert metrics["diversity"] > 0  # the generator's noise changes its outputs


def test_pixelda_content_loss_lets_strokes_change_colour_but_not_shape():
    from zoo_plugins.pixelda.recipe import masked_pmse

    bar = torch.zeros(2, 1, 28, 28)
    bar[..., 4:24, 10:16] = 1.0
    source, mask = bar * 2 - 1, bar
    recoloured = source + torch.tensor([0.3, -0.2, 0.5]).view(1, 3, 1, 1)  # each channel shifted on the stroke
    assert masked_pmse(torch.where(mask.bool(), recoloured, torch.rand(2, 3, 28, 28)), source, mask) < 1e-6
    moved = source.roll(3, dims=3).expand(-1, 3, -1, -1)  # half the stroke leaves the mask
    assert masked_pmse(moved, source, mask) > 0.5


def test_pixelda_recipe_adapts_labelled_halves_to_seeded_textures_and_needs_labels():
    spec = get_spec("pixelda-mnist")
    hparams = {**spec.recipe_class().defaults, "batch_size": 8, "d_width": 4}
    torch.manual_seed(0)
    recipe = spec.recipe_class()(spec, {**spec.config, **TINY["pixelda-mnist"]}, hparams, torch.device("cpu"), 1)
    images = digits(8)
    torch.manual_seed(3)
    logs = recipe.train_step(images, torch.arange(8))
    assert set(logs) == {"loss_d", "loss_g_adv", "task", "content", "back", "back_adv"}
    textured = domains.on_texture(images[4:], torch.Generator().manual_seed(3))  # the target half, from the trainer's seed
    assert int(recipe.generators.examples_kept) == 4
    assert torch.equal(recipe.generators.examples[:4], to_uint8(textured))
    with pytest.raises(ValueError, match="needs labelled source images"):
        recipe.train_step(images, torch.full((8,), -1))


# --- recipes ----------------------------------------------------------------------------


def test_ccgan_keeps_a_balanced_labelled_set():
    from zoo_plugins.ccgan.recipe import LabelledSet

    data = ImageData(example_images((1, 28, 28), 50), torch.arange(50) % 10)
    labelled = LabelledSet(20, (1, 28, 28))
    labelled.fill(data, 10)
    assert torch.equal(labelled.labels.bincount(minlength=10), torch.full((10,), 2))
    assert torch.equal(labelled.images, data.images[torch.cat([torch.tensor([c, c + 10]) for c in range(10)])])


# --- zoo sample: inputs beside outputs ------------------------------------------------


def test_zoo_sample_shows_small_inputs_beside_their_enlargement(tmp_path):
    from torchvision.io import read_image

    from zoo.cli import main
    from zoo.train.run_folder import write_model_folder

    spec = get_spec("srgan-mnist")
    write_model_folder(tmp_path / "run", spec, TINY["srgan-mnist"], tiny("srgan-mnist"))
    assert main(["sample", str(tmp_path / "run"), "-n", "4", "--seed", "0", "-o", str(tmp_path / "pairs.png")]) == 0
    grid = read_image(str(tmp_path / "pairs.png"))
    assert tuple(grid.shape[1:]) == (2 + 2 * 30, 2 + 4 * 30)  # 2 rows of 2 pairs, 28x28 cells with 2-pixel padding
