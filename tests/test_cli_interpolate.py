"""zoo interpolate walks the latent space of every model that has one, GANs included: spherical or
linear, seeded, with a strip's class or cluster held; the models offer latent_codes/from_latent_codes."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

import zoo
from zoo.cli import main
from zoo.models.architecture import architecture
from zoo.models.latent import LatentSpace, latent_path


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    pass


@pytest.mark.parametrize("name", ["dcgan-mnist", "gan-mnist", "cdcgan-mnist", "cgan-mnist", "infogan-mnist",
                                  "vae-mnist", "cvae-mnist"])
def test_the_codes_and_conditioning_sample_draws_give_its_images(name):
    model = zoo.load(name)
    assert isinstance(model, LatentSpace)
    codes, drawn = model.latent_codes(4, seed=5), model.latent_conditioning(4, seed=5)
    assert codes.shape == (4, model.latent_dim)
    assert torch.allclose(model.from_latent_codes(codes, **drawn), model.sample(4, seed=5), atol=1e-5)
    assert torch.equal(model.latent_codes(2, seed=5), codes[:2])


def test_from_latent_codes_refuses_what_it_cannot_use():
    gan, conditional = zoo.load("dcgan-mnist"), zoo.load("cdcgan-mnist")
    with pytest.raises(ValueError, match=r"codes must have shape \(N, 100\)"):
        gan.from_latent_codes(torch.zeros(2, 7))
    with pytest.raises(TypeError, match="codes must be a torch.Tensor"):
        gan.from_latent_codes([[0.0] * 100])
    with pytest.raises(ValueError, match="is conditional: pass labels="):
        conditional.from_latent_codes(torch.zeros(2, 100))
    with pytest.raises(ValueError, match="cluster ids"):
        gan.from_latent_codes(torch.zeros(2, 100), labels=[0, gan.cluster_count()])


def test_a_spherical_path_keeps_the_norm_of_gaussian_codes_and_a_linear_one_is_straight():
    a, b = torch.randn(2, 64, generator=torch.Generator().manual_seed(0))
    spherical, linear = latent_path(a, b, 5, spherical=True), latent_path(a, b, 5, spherical=False)
    assert torch.allclose(spherical[[0, -1]], torch.stack([a, b]), atol=1e-5)
    assert torch.allclose(linear[2], (a + b) / 2, atol=1e-6)
    assert spherical[2].norm() > linear[2].norm() + 1  # the straight line cuts through the low-density middle


@pytest.mark.parametrize("name", ["dcgan-mnist", "cdcgan-mnist", "infogan-mnist", "ae-mnist"])
def test_a_strip_starts_at_the_image_sample_draws(tmp_path, name):
    model = zoo.load(name)
    out = tmp_path / "strip.png"
    assert main(["interpolate", name, "--seed", "2", "--rows", "2", "--steps", "4", "-o", str(out)]) == 0
    with Image.open(out) as picture:
        assert picture.size == (4 * 30 + 2, 2 * 30 + 2)
        first = torch.from_numpy(np.array(picture.convert("L"))).float()
    conditioning = {"labels": [0, 0]} if architecture(model).conditional else {}
    expected = model.sample(2, seed=2, **conditioning)[0, 0].mul(255).round()  # the first strip starts at image 0
    assert (first[2:30, 2:30] - expected).abs().max() <= 1


def test_the_path_and_the_seed_change_the_strips(tmp_path):
    def strips(*options):
        out = tmp_path / f"{'-'.join(options)}.png"
        assert main(["interpolate", "dcgan-mnist", "--rows", "2", "--steps", "5", *options, "-o", str(out)]) == 0
        return out.read_bytes()

    assert strips("--seed", "0") == strips("--seed", "0", "--path", "slerp")
    assert strips("--seed", "0") != strips("--seed", "0", "--path", "linear")
    assert strips("--seed", "0") != strips("--seed", "1")


@pytest.mark.parametrize("name, family", [("mnist-classifier", "classifier"), ("pix2pix-mnist", "translation")])
def test_a_model_without_a_latent_space_is_one_line(tmp_path, capsys, name, family):
    assert main(["interpolate", name, "-o", str(tmp_path / "x.png")]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert f"is a {family} without a latent space" in line
    assert not (tmp_path / "x.png").exists()
