"""The autoencoder family: its code captures the causes of the data, the
interface of every bundled flavour, clear errors on bad input, and the CLI."""
from __future__ import annotations

import pytest
import torch
from PIL import Image

import zoo
from zoo.models.autoencoder import Autoencoder
from zoo.models.noise import SampleNoise
from zoo.cli import main
from zoo_plugins.crosses.data import crosses
from zoo.hub.load import instantiate
from zoo.core.registry import get_spec
from zoo.train.trainer import Trainer
from zoo.models.architecture import architecture
from zoo.models.gaussian_mixture import GaussianMixtureCodePrior
from zoo.models.vae import VAE
from zoo.train.snapshots import snapshot_folder

from conftest import MNIST_ROOT, needs_mnist, needs_weights

FLAVOURS = ["ae-mnist", "dae-mnist", "sparse-ae-mnist", "vae-mnist", "cvae-mnist", "aae-mnist"]
FITTED_PRIOR = {"ae-mnist", "dae-mnist", "sparse-ae-mnist"}




def r_squared(fit: tuple[torch.Tensor, torch.Tensor], score: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """R^2 on ``score`` of each factor's affine least-squares prediction fitted on ``fit``
    (each a pair of features and factors)."""

    def design(x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x.double(), torch.ones(len(x), 1, dtype=torch.double)], 1)

    weights = torch.linalg.lstsq(design(fit[0]), fit[1].double()).solution
    y = score[1].double()
    residual = y - design(score[0]) @ weights
    return 1 - residual.square().sum(0) / (y - y.mean(0)).square().sum(0)


def test_code_of_a_tiny_autoencoder_captures_the_hidden_factors(tmp_path):
    """Trained for seconds on crosses, a 32-d code gives row, column and grey
    level by linear regression (R^2 averaged over the three factors, as
    sklearn's r2_score does). Each factor's R^2 is close to what a linear
    read-out of all 784 pixels achieves: the brightness scales every pixel, so
    a straight line through them cannot give the position exactly (~0.9)."""
    train, train_factors = crosses(4096, seed=0)
    test, test_factors = crosses(1024, seed=1)
    spec, config = get_spec("ae-mnist"), {"latent_dim": 32, "hidden": [128]}
    trainer = Trainer(
        spec, tmp_path, data=train, hparams={"epochs": 1, "batch_size": 32, "lr": 2e-3}, model_config=config, progress=False
    )
    trained = zoo.load(trainer.run())
    torch.manual_seed(0)  # the initial weights of that run
    untrained = instantiate(spec, {**spec.config, **config})

    def score(features) -> torch.Tensor:
        with torch.no_grad():
            return r_squared((features(train.images), train_factors), (features(test.images), test_factors))

    r2, r2_untrained = score(trained.encode), score(untrained.encode)
    pixels = score(lambda images: images.flatten(1))
    report = f"R^2 of row, column, grey: code {r2.tolist()}, pixels {pixels.tolist()}, untrained {r2_untrained.tolist()}"
    assert r2.mean() > 0.9 and (r2 > pixels - 0.06).all(), report
    assert r2_untrained.mean() < r2.mean() - 0.15, report


@pytest.fixture(scope="module", params=[pytest.param(name, marks=needs_weights(name)) for name in FLAVOURS])
def model(request) -> Autoencoder:
    return zoo.load(request.param)


def conditioning(model: Autoencoder, n: int) -> dict:
    return {"labels": torch.arange(n) % 10} if architecture(model).conditional else {}


def digits(n: int) -> torch.Tensor:
    """Synthetic digit-like images: a bright ring or bar per image, in [0, 1]."""
    rows, cols = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    images = []
    for i in range(n):
        radius = 6 + i % 4
        ring = ((rows - 14).square() + (cols - 14).square()).sqrt().sub(radius).abs() < 1.5
        bar = (cols - 12 - i % 5).abs() < 1.5
        images.append((ring if i % 2 else bar).float())
    return torch.stack(images).unsqueeze(1) * (rows > 3) * (rows < 24)


def test_encode_decode_and_reconstruct_have_the_documented_shapes(model):
    x = digits(6)
    z = model.encode(x, **conditioning(model, 6))
    assert z.shape == (6, model.latent_dim) and torch.isfinite(z).all()
    images = model.decode(z, **conditioning(model, 6))
    assert images.shape == (6, 1, 28, 28) and images.dtype == torch.float32
    assert images.min() >= 0 and images.max() <= 1
    assert torch.allclose(model.reconstruct(x, **conditioning(model, 6)), images)


def test_reconstructions_are_closer_to_their_input_than_to_other_inputs(model):
    """On digits the model itself draws: a denoising autoencoder maps off-manifold
    shapes (bars, rings) to the nearest digit, so those would not tell inputs apart."""
    x = model.sample(8, seed=0, **conditioning(model, 8))
    recon = model.reconstruct(x, **conditioning(model, 8))
    distance = torch.cdist(recon.flatten(1), x.flatten(1))
    assert (distance.argmin(1) == torch.arange(8)).float().mean() >= 0.75


def test_interpolation_runs_from_one_reconstruction_to_the_other(model):
    x = digits(2)
    pair = conditioning(model, 2)
    strip = model.interpolate(x[0], x[1], steps=5, **pair)
    assert strip.shape == (5, 1, 28, 28)
    recon = model.reconstruct(x, **pair)
    assert torch.allclose(strip[0], recon[0], atol=1e-5) and torch.allclose(strip[-1], recon[1], atol=1e-5)
    if not pair:
        middle = model.decode(model.encode(x).mean(0, keepdim=True))
        assert torch.allclose(strip[2], middle[0], atol=1e-5)


def test_the_same_seed_gives_the_same_samples(model):
    a = model.sample(5, seed=3, **conditioning(model, 5))
    b = model.sample(5, seed=3, **conditioning(model, 5))
    c = model.sample(5, seed=4, **conditioning(model, 5))
    assert a.shape == (5, 1, 28, 28)
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_a_fitted_code_prior_ships_with_plain_autoencoders_only(model):
    state = model.state_dict()
    if model.spec.name in FITTED_PRIOR:
        scale = state["code_prior.scale_tril"]
        assert not torch.equal(scale, torch.eye(model.latent_dim)), "the code prior was never fitted"
        assert torch.equal(scale, scale.tril()) and (scale.diagonal() > 0).all()
    else:
        assert not any(key.startswith("code_prior") for key in state)


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (torch.rand(2, 1, 28, 27), ValueError, r"shape \(N, 1, 28, 28\)"),
        (torch.rand(2, 3, 28, 28), ValueError, r"shape \(N, 1, 28, 28\)"),
        (torch.full((2, 1, 28, 28), float("nan")), ValueError, "NaN"),
        (torch.ones(2, 1, 28, 28, dtype=torch.uint8), TypeError, "float"),
        (torch.rand(2, 1, 28, 28) * 255, ValueError, r"\[0, 1\]"),
        ([[0.0] * 28] * 28, TypeError, "torch.Tensor"),
    ],
)
def test_encode_and_reconstruct_refuse_bad_images(model, bad, error, message):
    for method in (model.encode, model.reconstruct):
        with pytest.raises(error, match=message):
            method(bad, **conditioning(model, 2))


def test_decode_refuses_bad_codes(model):
    dim = model.latent_dim
    with pytest.raises(ValueError, match=rf"shape \(N, {dim}\)"):
        model.decode(torch.zeros(2, dim + 1), **conditioning(model, 2))
    with pytest.raises(ValueError, match="NaN"):
        model.decode(torch.full((2, dim), float("nan")), **conditioning(model, 2))


def test_interpolate_takes_single_images_and_at_least_two_steps(model):
    x = digits(3)
    pair = conditioning(model, 2)
    with pytest.raises(ValueError, match="single image"):
        model.interpolate(x[:2], x[2], **pair)
    with pytest.raises(ValueError, match="at least 2"):
        model.interpolate(x[0], x[1], steps=1, **pair)


@needs_weights("cvae-mnist")
def test_conditional_sampling_validates_labels():
    cvae = zoo.load("cvae-mnist")
    assert cvae.sample(4, seed=0, labels=[3, 3, 7, 7]).shape == (4, 1, 28, 28)
    with pytest.raises(ValueError, match=r"in \[0, 10\)"):
        cvae.sample(2, labels=[1, 10])
    with pytest.raises(ValueError, match=r"in \[0, 10\)"):
        cvae.sample(2, labels=[-1, 0])
    with pytest.raises(ValueError, match="expected 3, got 2"):
        cvae.sample(3, labels=[1, 2])
    with pytest.raises(TypeError, match="integers"):
        cvae.sample(2, labels=torch.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="pass labels="):
        cvae.encode(digits(2))
    with pytest.raises(TypeError, match="not conditional"):
        zoo.load("vae-mnist").encode(digits(2), labels=[1, 2])


@needs_weights("cvae-mnist")
def test_conditional_samples_follow_their_labels():
    cvae = zoo.load("cvae-mnist")
    classifier = zoo.load("mnist-classifier")
    labels = torch.arange(200) % 10
    predicted = classifier(cvae.sample(200, seed=0, labels=labels)).argmax(1)
    assert (predicted == labels).float().mean() > 0.9


@needs_weights("cvae-mnist")
def test_cli_interpolate_writes_a_strip_per_row(tmp_path, capsys):
    for name in ("ae-mnist", "cvae-mnist"):
        out = tmp_path / f"{name}.png"
        assert main(["interpolate", name, "--seed", "0", "--rows", "3", "--steps", "5", "-o", str(out)]) == 0
        with Image.open(out) as image:
            assert image.size == (5 * 30 + 2, 3 * 30 + 2)
    assert "interpolation strips" in capsys.readouterr().out


def test_cli_interpolate_of_a_model_without_codes_is_a_clear_error(tmp_path, capsys):
    assert main(["interpolate", "mnist-classifier", "-o", str(tmp_path / "x.png")]) == 2
    assert "without a latent space" in capsys.readouterr().err


def test_cli_reconstruct_without_data_is_a_clear_error(tmp_path, monkeypatch, capsys):
    import torchvision.datasets

    def offline(self):
        raise RuntimeError("no network")

    monkeypatch.setattr(torchvision.datasets.MNIST, "download", offline)
    assert main(["reconstruct", "ae-mnist", "--data", str(tmp_path / "nowhere"), "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "pass --data" in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


@needs_mnist
@needs_weights("vae-mnist")
def test_cli_reconstruct_shows_test_digits_and_reconstructions(tmp_path, capsys):
    out = tmp_path / "pairs.png"
    assert main(["reconstruct", "vae-mnist", "--data", str(MNIST_ROOT), "--rows", "2", "--cols", "4", "-o", str(out)]) == 0
    with Image.open(out) as image:
        assert image.size == (4 * 30 + 2, 4 * 30 + 2)


# --- the VAE's learned mixture prior -------------------------------------------------


def mixture_vae() -> VAE:
    """A 1-d VAE whose prior mixes N(-4, e^-2), N(0, 1) and N(5, e^-4) equally."""
    torch.manual_seed(0)
    vae = VAE(latent_dim=1, hidden=(8,), prior_components=3).eval()
    with torch.no_grad():
        vae.prior_means.copy_(torch.tensor([[-4.0], [0.0], [5.0]]))
        vae.prior_logvars.copy_(torch.tensor([[-2.0], [0.0], [-4.0]]))
    return vae


def test_mixture_prior_is_a_normalised_density():
    grid = torch.linspace(-12.0, 12.0, 24001).unsqueeze(1)
    with torch.no_grad():
        density = mixture_vae().log_prior(grid).exp()
    assert (density.double().sum() * (grid[1] - grid[0])).item() == pytest.approx(1.0, abs=1e-3)
    standard = VAE(latent_dim=1, hidden=(8,)).log_prior(grid)
    assert torch.allclose(standard, torch.distributions.Normal(0.0, 1.0).log_prob(grid).squeeze(1))


def test_samples_come_from_each_mixture_component_equally_often():
    codes = mixture_vae().prior_codes(30000, seed=0)
    nearest = (codes - torch.tensor([-4.0, 0.0, 5.0])).abs().argmin(1)
    shares = torch.bincount(nearest, minlength=3) / 30000.0
    assert torch.allclose(shares, torch.full((3,), 1 / 3), atol=0.02), shares
    tight = codes[(codes - 5.0).abs() < 1.0]  # the N(0, 1) component reaches past 4 almost never
    assert tight.std().item() == pytest.approx(torch.tensor(-2.0).exp().item(), rel=0.1)


def test_one_draw_kl_estimate_agrees_with_the_closed_form():
    """A one-component mixture at N(0, I) is the standard prior: the one-draw
    estimate log q(z|x) - log p(z) averages to the closed-form KL."""
    torch.manual_seed(0)
    mixture = VAE(latent_dim=2, hidden=(8,), prior_components=1)
    with torch.no_grad():
        mixture.prior_means.zero_()
        mixture.prior_logvars.zero_()
    mean = torch.tensor([[0.5, -1.0]]).expand(200000, 2)
    logvar = torch.tensor([[-1.0, 0.3]]).expand(200000, 2)
    z = mean + (0.5 * logvar).exp() * torch.randn(200000, 2)
    with torch.no_grad():
        estimate = mixture.kl_to_prior(mean, logvar, z).mean().item()
        exact = VAE(latent_dim=2, hidden=(8,)).kl_to_prior(mean, logvar, z)[0].item()
    assert estimate == pytest.approx(exact, abs=0.02)


def test_the_vae_recipe_learns_the_mixture_prior(tmp_path):
    data = crosses(256, seed=0)[0]
    config = {"latent_dim": 2, "hidden": [32], "prior_components": 4}
    torch.manual_seed(0)
    before = instantiate(get_spec("vae-mnist"), {**get_spec("vae-mnist").config, **config}).prior_means.detach().clone()
    run = Trainer(get_spec("vae-mnist"), tmp_path, data=data, hparams={"epochs": 1, "batch_size": 32},
                  model_config=config, seed=0, progress=False, dataset="crosses").run()
    trained = zoo.load(run)
    assert trained.prior_means.shape == (4, 2) and not torch.equal(trained.prior_means, before)
    metrics = trained.evaluation_metrics(*crosses(64, seed=1)[0].__dict__.values())
    assert metrics["nll_is"] <= -metrics["elbo"]  # importance sampling tightens the bound


# --- the KL weight and the ex-post code prior -------------------------------------


def test_the_kl_weight_scales_only_the_prior_and_posterior_terms():
    vae = VAE(latent_dim=3, hidden=(16,), prior_components=2).eval()
    x = torch.bernoulli(crosses(4, seed=0)[0].images)
    weights = {w: vae.log_weights(x, 6, torch.Generator().manual_seed(0), kl_weight=w) for w in (0.0, 0.5, 1.0)}
    assert torch.allclose(weights[0.5], (weights[0.0] + weights[1.0]) / 2, atol=1e-4)
    assert torch.equal(weights[1.0], vae.log_weights(x, 6, torch.Generator().manual_seed(0)))  # the bound by default


def two_correlated_clusters(count: int) -> torch.Tensor:
    """Codes from 0.3 N((-5, 0), [[1, .8], [.8, 1]]) + 0.7 N((4, 3), [[.5, -.3], [-.3, .5]])."""
    rng = torch.Generator().manual_seed(0)
    first = torch.randn(count, 2, generator=rng) @ torch.linalg.cholesky(torch.tensor([[1.0, 0.8], [0.8, 1.0]])).T
    second = torch.randn(count, 2, generator=rng) @ torch.linalg.cholesky(torch.tensor([[0.5, -0.3], [-0.3, 0.5]])).T
    pick = torch.rand(count, generator=rng) < 0.3
    return torch.where(pick[:, None], first + torch.tensor([-5.0, 0.0]), second + torch.tensor([4.0, 3.0]))


def test_the_fitted_gaussian_mixture_recovers_weights_means_and_covariances():
    prior = GaussianMixtureCodePrior(2, 2)
    assert not prior.fitted
    prior.fit(two_correlated_clusters(20000))
    order = prior.means[:, 0].argsort()
    covariances = (prior.scale_tril @ prior.scale_tril.transpose(1, 2))[order]
    assert prior.fitted
    assert torch.allclose(prior.weights[order], torch.tensor([0.3, 0.7]), atol=0.02)
    assert torch.allclose(prior.means[order], torch.tensor([[-5.0, 0.0], [4.0, 3.0]]), atol=0.05)
    assert torch.allclose(covariances, torch.tensor([[[1.0, 0.8], [0.8, 1.0]], [[0.5, -0.3], [-0.3, 0.5]]]), atol=0.05)
    reference = torch.distributions.MixtureSameFamily(
        torch.distributions.Categorical(prior.weights),
        torch.distributions.MultivariateNormal(prior.means, scale_tril=prior.scale_tril),
    )
    points = torch.randn(50, 2) * 4
    assert torch.allclose(prior.log_prob(points), reference.log_prob(points), atol=1e-4)
    draws = prior.sample(SampleNoise.seeded(1, 20000))
    assert torch.equal(draws, prior.sample(SampleNoise.seeded(1, 20000)))
    assert ((draws[:, 0] < 0).float().mean() - 0.3).abs() < 0.02


def test_a_code_prior_refuses_settings_and_codes_it_cannot_fit():
    with pytest.raises(ValueError, match="cannot fit 5 mixture components to 3 codes"):
        GaussianMixtureCodePrior(2, 5).fit(torch.randn(3, 2))
    with pytest.raises(ValueError, match="code_prior_components -1 is not supported"):
        VAE(latent_dim=2, hidden=(8,), code_prior_components=-1)


def test_a_vae_samples_from_its_code_prior_once_training_has_finished(tmp_path):
    data = crosses(512, seed=0)[0]
    config = {"latent_dim": 4, "hidden": [32], "prior_components": 4, "code_prior_components": 3}
    run = Trainer(get_spec("vae-mnist"), tmp_path, data=data, hparams={"epochs": 2, "batch_size": 32, "kl_weight": 0.5},
                  model_config=config, seed=0, progress=False, dataset="crosses", keep_epochs=True).run()
    halfway, trained = zoo.load(snapshot_folder(run, 1)), zoo.load(run)
    assert not halfway.code_prior.fitted  # mid-run samples come from the prior being trained
    assert not torch.equal(halfway.prior_codes(8, seed=0), halfway.code_prior.sample(SampleNoise.seeded(0, 8)))
    assert trained.code_prior.fitted
    assert torch.equal(trained.prior_codes(8, seed=0), trained.code_prior.sample(SampleNoise.seeded(0, 8)))
    with torch.inference_mode():
        codes = trained.posterior(data.images)[0]
        assert trained.code_prior.log_prob(codes).mean() > trained.log_prior(codes).mean()  # it fits the codes better
    assert trained.sample(4, seed=0).shape == (4, 1, 28, 28)


def test_a_run_with_fewer_images_than_code_prior_components_says_it_left_the_prior_unfitted(tmp_path):
    config = {"latent_dim": 2, "hidden": [8], "code_prior_components": 64}
    with pytest.warns(UserWarning, match="left unfitted: the last epoch gave 32 codes for 64 components"):
        run = Trainer(get_spec("vae-mnist"), tmp_path, data=crosses(32, seed=0)[0], hparams={"epochs": 1, "batch_size": 16},
                      model_config=config, seed=0, progress=False, dataset="crosses").run()
    assert not zoo.load(run).code_prior.fitted
