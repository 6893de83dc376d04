"""The autoencoder shelf: latent traversals (method and CLI) and the pieces of its flavours' objectives:
MMD, total correlation, the VampPrior, the VQ-VAE code grid and its prior, warm starts and ex-post mixtures."""
from __future__ import annotations

import math

import pytest
import torch
from PIL import Image

import zoo
from zoo.cli import main
from zoo.core.registry import get_spec
from zoo.hub.load import instantiate
from zoo.models.gaussian_mixture import GaussianMixtureCodePrior
from zoo.models.noise import SampleNoise
from zoo.testing import tiny_data
from zoo.train.mmd import mmd
from zoo.train.trainer import Trainer
from zoo_plugins.beta_tcvae.recipe import total_correlation
from zoo_plugins.factor_vae.recipe import shuffle_dims

from conftest import needs_weights

CONTINUOUS = ["beta-vae-mnist", "beta-tcvae-mnist", "factor-vae-mnist", "info-vae-mnist", "wae-mmd-mnist",
              "rae-mnist", "iwae-mnist", "vamp-vae-mnist", "vae-gan-mnist"]


def fresh(name: str) -> torch.nn.Module:
    torch.manual_seed(0)
    return instantiate(get_spec(name)).eval()


@pytest.mark.parametrize("name", CONTINUOUS)
def test_a_traversal_varies_one_dimension_per_row_around_the_seeded_code(name):
    model = fresh(name)
    codes = model.traversal_codes([0, 2], steps=5, seed=3)
    start = model.prior_codes(1, seed=3)[0]
    assert codes.shape == (10, model.latent_dim)
    for row, dim in enumerate([0, 2]):
        block = codes[row * 5 : (row + 1) * 5]
        others = [d for d in range(model.latent_dim) if d != dim]
        torch.testing.assert_close(block[:, others], start[others].expand(5, -1))
        assert (block[1:, dim] > block[:-1, dim]).all()  # from below the mean to above it
    images = model.traverse([0, 2], steps=5, seed=3)
    assert images.shape == (10, *model.image_shape) and 0 <= images.min() and images.max() <= 1
    torch.testing.assert_close(images, model.decode(codes))


def test_a_traversal_spans_the_spread_of_the_codes_sample_draws():
    model = fresh("beta-vae-mnist")  # N(0, I) codes until its mixture is fitted
    row = model.traversal_codes([1], steps=3, span=2.0)[:, 1]
    assert row[0] == pytest.approx(-2.0, abs=0.15) and row[1] == pytest.approx(0.0, abs=0.1)
    assert row[2] == pytest.approx(2.0, abs=0.15)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"dims": [10]}, "dims must be code dimensions"),
    ({"dims": []}, "dims must be code dimensions"),
    ({"steps": 1}, "steps must be at least 2"),
    ({"span": 0.0}, "span must be a positive number"),
    ({"span": math.inf}, "span must be a positive number"),
])
def test_a_traversal_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fresh("beta-vae-mnist").traverse(**kwargs)


def test_a_discrete_code_has_no_traversal():
    with pytest.raises(TypeError, match="discrete codes"):
        fresh("vq-vae-mnist").traverse()


@needs_weights("vae-mnist")
def test_zoo_traverse_writes_one_row_per_dimension(tmp_path, capsys):
    out = tmp_path / "grid.png"
    assert main(["traverse", "vae-mnist", "--dims", "0,5,7", "--steps", "4", "-o", str(out)]) == 0
    assert "3 code dimensions" in capsys.readouterr().out
    width, height = Image.open(out).size
    assert (width, height) == (4 * 30 + 2, 3 * 30 + 2)  # 28-pixel images with 2-pixel padding


@pytest.mark.parametrize(("args", "message"), [
    (["dcgan-mnist"], "no continuous code dimensions"),
    (["vae-mnist", "--dims", "32"], "code dimensions 0 to 31"),
])
def test_zoo_traverse_refuses_models_and_dimensions_it_cannot_traverse(tmp_path, capsys, args, message):
    assert main(["traverse", *args, "-o", str(tmp_path / "x.png")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_mmd_separates_shifted_codes_from_prior_draws():
    torch.manual_seed(0)
    prior, same, shifted = torch.randn(256, 8), torch.randn(256, 8), torch.randn(256, 8) + 1.0
    assert abs(mmd(same, prior).item()) < 0.05
    assert mmd(shifted, prior).item() > 10 * abs(mmd(same, prior).item())


def test_total_correlation_is_higher_for_dependent_code_dimensions():
    """The minibatch-weighted estimate carries a constant offset ((D - 1) log(N M) when posteriors do not
    overlap); what trains the codes is that it grows with the dependence between dimensions."""
    torch.manual_seed(0)
    logvar = torch.full((512, 4), -4.0)
    noise = 0.135 * torch.randn(512, 4)
    independent = torch.randn(512, 4)
    dependent = torch.randn(512, 1).expand(-1, 4) + 0.05 * torch.randn(512, 4)
    tc = {name: total_correlation(m, logvar, m + noise, 60000).item() for name, m in
          [("independent", independent), ("dependent", dependent)]}
    assert tc["dependent"] > tc["independent"] + 2


def test_shuffled_dimensions_keep_each_dimensions_values_and_break_their_pairing():
    torch.manual_seed(0)
    z = torch.randn(512, 1).expand(-1, 3).clone()
    shuffled = shuffle_dims(z)
    torch.testing.assert_close(shuffled.sort(0).values, z.sort(0).values)
    assert torch.corrcoef(shuffled.T)[0, 1].abs() < 0.2


def test_the_vamp_prior_is_the_mixture_of_the_pseudo_inputs_posteriors():
    model = fresh("vamp-vae-mnist")
    z = torch.randn(6, model.latent_dim)
    means, logvars = model.prior_components()
    per_component = torch.distributions.Normal(means, (0.5 * logvars).exp()).log_prob(z[:, None]).sum(-1)
    expected = per_component.logsumexp(1) - math.log(means.shape[0])
    torch.testing.assert_close(model.log_prior(z), expected, rtol=1e-4, atol=1e-3)


def test_a_vq_vae_code_is_a_grid_of_code_book_vectors_and_its_prior_draws_per_image():
    model = fresh("vq-vae-mnist")
    images = tiny_data(get_spec("vq-vae-mnist"), 4).images
    codes = model.encode(images).view(4, model.code_dim, -1)
    book = model.codebook.weight
    assert all(((book - cell).abs().sum(1) < 1e-6).any() for cell in codes.permute(0, 2, 1).reshape(-1, model.code_dim))
    grids = model.draw_indices(SampleNoise.seeded(1, 3))
    assert grids.shape == (3, model.grid, model.grid)
    torch.testing.assert_close(model.draw_indices(SampleNoise.seeded(1, 2)), grids[:2])


def test_the_vq_vae_prior_predicts_each_cell_from_the_cells_before_it_only():
    model = fresh("vq-vae-mnist").eval()
    grids = torch.randint(0, model.codebook.num_embeddings, (2, model.grid, model.grid))
    cell = model.grid * model.grid // 2
    changed = grids.clone().flatten(1)
    changed[:, cell:] = (changed[:, cell:] + 1) % model.codebook.num_embeddings
    before, after = (model.prior(g.view_as(grids)).flatten(2) for g in (grids.flatten(1), changed))
    torch.testing.assert_close(before[:, :, : cell + 1], after[:, :, : cell + 1])  # cell itself: not its own input
    assert not torch.allclose(before[:, :, cell + 1 :], after[:, :, cell + 1 :])


@needs_weights("vae-mnist")
def test_a_warm_start_copies_the_weights_the_networks_share(tmp_path):
    spec = get_spec("vamp-vae-mnist")
    trainer = Trainer(spec, tmp_path, data=tiny_data(spec, 32), hparams={"epochs": 1, "batch_size": 16, "lr": 1e-12},
                      progress=False)
    started = zoo.load(trainer.run())
    source = zoo.load("vae-mnist")
    torch.testing.assert_close(started.decoder[0].weight, source.decoder[0].weight, rtol=0, atol=1e-6)
    assert started.pseudo_logits.shape == (500, 1, 28, 28)


def test_an_autoencoder_with_mixture_components_fits_a_mixture_at_export(tmp_path):
    spec = get_spec("rae-mnist")
    trainer = Trainer(spec, tmp_path, data=tiny_data(spec, 128), hparams={"epochs": 1, "batch_size": 16},
                      progress=False)
    model = zoo.load(trainer.run())
    assert isinstance(model.code_prior, GaussianMixtureCodePrior) and bool(model.code_prior.fitted)
    torch.testing.assert_close(model.sample(3, seed=4), model.decode(model.prior_codes(3, seed=4)))
