"""The GAN family: losses, critic transforms, one recipe step per flavour, labels and codes."""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from zoo import testing
from zoo.models import layers
from zoo.train.gan_objectives import LOSSES, PENALTIES, GANLoss
from zoo.train.settings import SettingError
from zoo.core.catalog import read_catalog
from zoo.models.clusters import ClusterCodebook
from zoo.data.datasets import ImageData
from zoo.hub.load import instantiate
from zoo.models.noise import CONDITIONING, SampleNoise
from conftest import CATALOG
from zoo.core.registry import get_spec

FLAVOURS = [
    "gan-mnist",
    "dcgan-mnist",
    "cgan-mnist",
    "cdcgan-mnist",
    "lsgan-mnist",
    "wgan-mnist",
    "wgan-gp-mnist",
    "sngan-mnist",
    "acgan-mnist",
    "infogan-mnist",
]
CONDITIONAL = ["cgan-mnist", "cdcgan-mnist", "acgan-mnist"]


@pytest.mark.parametrize("name", FLAVOURS)
def test_published_weights_meet_the_flavour_targets(name):
    """Recorded on 10000 samples: all ten classes, KL to uniform at most 0.05 and 0.8 confident
    for unconditional flavours; label accuracy of at least 0.95 for conditional ones."""
    metrics = read_catalog(CATALOG)[name].metrics
    assert metrics["samples"] == 10000 and metrics["class_coverage"] == 10
    if name in CONDITIONAL:
        assert metrics["label_accuracy"] >= 0.95
    else:
        assert metrics["kl_to_uniform"] <= 0.05 and metrics["confident_fraction"] >= 0.8


def fresh(name: str) -> nn.Module:
    torch.manual_seed(0)
    return instantiate(get_spec(name)).eval()


def make_recipe(name: str, batch_size: int, **hparams):
    spec = get_spec(name)
    torch.manual_seed(0)
    settings = {**testing.tiny_hparams(spec, batch_size), **hparams}
    return spec.recipe_class()(spec, dict(spec.config), settings, torch.device("cpu"), 1)


# --- losses --------------------------------------------------------------------


def test_bce_losses_match_their_formulas():
    real, fake = torch.tensor([2.0, -1.0]), torch.tensor([0.5, -3.0])
    d = -(torch.sigmoid(real).log().mean() + (1 - torch.sigmoid(fake)).log().mean())
    assert torch.allclose(LOSSES.build("non-saturating", {}).discriminator(real, fake), d)
    assert torch.allclose(LOSSES.build("non-saturating", {}).generator(fake), -torch.sigmoid(fake).log().mean())
    assert torch.allclose(LOSSES.build("min-max", {}).generator(fake), (1 - torch.sigmoid(fake)).log().mean())
    boundary = 0.5 * (torch.sigmoid(fake).log() - (1 - torch.sigmoid(fake)).log()).square().mean()
    assert torch.allclose(LOSSES.build("boundary-seeking", {}).generator(fake), boundary)


def test_label_smoothing_moves_the_real_target():
    real, fake = torch.tensor([10.0]), torch.tensor([-10.0])
    assert LOSSES.build("non-saturating", {}).discriminator(real, fake) < 1e-3
    smoothed = LOSSES.build("non-saturating", {"real_label": 0.9}).discriminator(real, fake)
    assert smoothed > 0.9  # a confident logit is now penalised
    assert LOSSES.build("hinge", {"real_label": 0.9}).discriminator(real, fake) == 0  # hinge has no label to smooth
    with pytest.raises(SettingError, match="unknown GAN loss 'no-such-loss'; known: non-saturating"):
        LOSSES.build("no-such-loss", {})


def test_least_squares_wasserstein_and_hinge_values():
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([0.0, -2.0])
    least_squares, wasserstein, hinge = (LOSSES.build(name, {}) for name in ("least-squares", "wasserstein", "hinge"))
    assert least_squares.discriminator(real, fake).item() == pytest.approx(0.5 * (2.0 + 2.0))
    assert least_squares.generator(fake).item() == pytest.approx(0.5 * (1 + 9) / 2)
    assert wasserstein.discriminator(real, fake).item() == pytest.approx(-1.0 - 2.0)
    assert wasserstein.generator(fake).item() == pytest.approx(1.0)
    # real scores 1 and 3 are past the margin; fake score 0 costs 1, -2 costs nothing
    assert hinge.discriminator(real, fake).item() == pytest.approx(0.5)
    assert hinge.discriminator(torch.tensor([0.0]), torch.tensor([0.0])).item() == pytest.approx(2.0)


def test_relativistic_and_softmax_losses_compare_with_the_real_scores():
    real, fake = torch.tensor([2.0, 1.0]), torch.tensor([-1.0, 0.0])
    ra = LOSSES.build("relativistic-average", {})
    assert ra.generator_sees_real
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    want = 0.5 * (bce(real - fake.mean(), torch.ones(2)) + bce(fake - real.mean(), torch.zeros(2)))
    assert torch.allclose(ra.discriminator(real, fake), want)
    assert torch.allclose(ra.generator(fake, real), 0.5 * (bce(fake - real.mean(), torch.ones(2)) + bce(real - fake.mean(), torch.zeros(2))))
    with pytest.raises(ValueError, match="needs the real images' scores"):
        ra.generator(fake)
    softmax = LOSSES.build("softmax", {})
    log_z = torch.cat([real, fake]).logsumexp(0)
    assert torch.allclose(softmax.discriminator(real, fake), -real.mean() + log_z)
    assert torch.allclose(softmax.generator(fake, real), -torch.cat([real, fake]).mean() + log_z)


def test_gradient_penalty_vanishes_for_a_unit_lipschitz_critic():
    torch.manual_seed(0)
    w = torch.randn(1 * 28 * 28)
    w /= w.norm()
    critic = lambda x: x.flatten(1) @ w  # noqa: E731 - gradient norm 1 everywhere
    real, fake = torch.rand(8, 1, 28, 28), torch.rand(8, 1, 28, 28)
    for name in ("gradient", "dragan"):
        penalty = PENALTIES.build(name, {})
        assert penalty(critic, real, fake).item() == pytest.approx(0.0, abs=1e-10)
        steep = lambda x: 3 * critic(x)  # noqa: E731 - gradient norm 3: penalty (3 - 1)^2
        assert penalty(steep, real, fake).item() == pytest.approx(4.0, rel=1e-5)
    divergence = PENALTIES.build("wgan-div", {"div_power": 6.0})
    assert divergence(steep, real, fake).item() == pytest.approx(3.0**6, rel=1e-5)  # ||grad||^p at real and fake
    assert PENALTIES.build("none", {}) is None


def test_gradient_penalty_trains_the_critic():
    critic = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 1))
    penalty = PENALTIES.build("gradient", {})(lambda x: critic(x).squeeze(1), torch.rand(4, 1, 28, 28), torch.rand(4, 1, 28, 28))
    penalty.backward()
    assert critic[1].weight.grad is not None and critic[1].weight.grad.abs().sum() > 0


def test_objectives_are_registered_once_and_by_subclasses_only():
    with pytest.raises(ValueError, match="'hinge' is registered twice"):
        LOSSES.register("hinge")(type("OtherHinge", (GANLoss,), {}))
    with pytest.raises(TypeError, match="must subclass GANLoss"):
        LOSSES.register("not-a-loss")(object)
    with pytest.raises(SettingError, match="cannot be imported"):
        LOSSES.build("no_such_module:Loss", {})
    with pytest.raises(SettingError, match="is not a GANLoss subclass"):
        LOSSES.build("torch.nn:Linear", {})


def test_critic_transforms():
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4)))
    layers.without_batch_norm(net)
    assert not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in net.modules())
    layer = layers.spectrally_normalised(nn.Sequential(nn.Linear(16, 16)))[0]
    with torch.no_grad():
        for _ in range(50):  # power iterations run in training mode
            layer(torch.zeros(1, 16))
    assert torch.linalg.matrix_norm(layer.weight, ord=2).item() == pytest.approx(1.0, rel=1e-3)


# --- recipes -------------------------------------------------------------------


@pytest.mark.parametrize("name", FLAVOURS)
def test_one_train_step_is_finite_and_trains_both_players(name):
    recipe = make_recipe(name, 10)
    data = testing.tiny_data(get_spec(name), n=10)
    recipe.prepare(data)
    before = {key: [p.detach().clone() for p in getattr(recipe, key).parameters()] for key in ("generator", "discriminator")}
    losses = recipe.train_step(data.images, data.labels)
    assert {"loss_d", "loss_g"} <= set(losses)
    assert all(isinstance(v, float) and math.isfinite(v) for v in losses.values()), losses
    for key, old in before.items():
        assert any(not torch.equal(a, b) for a, b in zip(old, getattr(recipe, key).parameters())), f"{key} did not move"
    assert recipe.export_model() is recipe.ema


def test_gan_recipe_builds_the_named_loss_and_penalty():
    recipe = make_recipe("gan-mnist", 4, loss="min-max", penalty="dragan")
    assert type(recipe.loss).__name__ == "MinMaxLoss" and type(recipe.penalty).__name__ == "DRAGANPenalty"
    assert make_recipe("gan-mnist", 4).penalty is None


def trainer_step(recipe, images, labels):
    """One train step as the trainer takes it: the recipe's step, then its schedules'."""
    recipe.train_step(images, labels)
    recipe.step_schedules()


def prepared_recipe(name: str = "wgan-mnist", **hparams):
    """A recipe (wgan-mnist unless named) for batches of 10, its clusters fitted, and a batch of random images."""
    images, labels = torch.rand(10, 1, 28, 28), torch.zeros(10, dtype=torch.long)
    recipe = make_recipe(name, 10, **hparams)
    recipe.prepare(ImageData(images, labels))
    return recipe, images, labels


def test_critic_steps_split_the_batch():
    recipe, images, labels = prepared_recipe()
    seen = []
    original = recipe.discriminator_loss
    recipe.discriminator_loss = lambda real, *rest: seen.append(len(real)) or original(real, *rest)
    recipe.train_step(images, labels)
    assert seen == [2] * 5
    assert all(p.abs().max() <= recipe.hparams["clip"] for p in recipe.discriminator.parameters())


def test_wgan_linear_lr_decay_reaches_zero_and_survives_a_restore():
    recipe, images, labels = prepared_recipe(lr_decay="linear", epochs=4)
    start = recipe.hparams["lr_g"]
    trainer_step(recipe, images, labels)
    assert [g["lr"] for g in recipe.opt_g.param_groups] == [pytest.approx(0.75 * start)]
    restored = make_recipe("wgan-mnist", 10, lr_decay="linear", epochs=4)
    restored.load_state_dict(recipe.state_dict())
    for _ in range(3):
        trainer_step(restored, images, labels)
    assert [g["lr"] for opt in (restored.opt_g, restored.opt_d) for g in opt.param_groups] == [0.0, 0.0]


def test_wgan_step_drop_lowers_both_rates_once_at_decay_from():
    recipe, images, labels = prepared_recipe(lr_decay="step", decay_from=0.5, drop_factor=0.2, epochs=4)
    start = recipe.hparams["lr_d"]
    rates = []
    for _ in range(4):
        trainer_step(recipe, images, labels)
        rates.append([opt.param_groups[0]["lr"] for opt in (recipe.opt_g, recipe.opt_d)])
    assert rates == [[start, start], [pytest.approx(0.2 * start)] * 2, [pytest.approx(0.2 * start)] * 2, [pytest.approx(0.2 * start)] * 2]


def test_wgan_constant_lr_by_default_and_unknown_decay_named():
    recipe, images, labels = prepared_recipe()
    recipe.train_step(images, labels)
    assert recipe.opt_g.param_groups[0]["lr"] == recipe.hparams["lr_g"]
    with pytest.raises(SettingError, match="lr_decay must be one of constant, linear, step, got 'cosine'"):
        make_recipe("wgan-mnist", 10, lr_decay="cosine")


@pytest.mark.parametrize("name", ["gan-mnist", "wgan-gp-mnist"])
def test_rates_constant_by_default_and_decay_linearly_from_decay_from(name):
    constant, images, labels = prepared_recipe(name, epochs=4)
    constant.train_step(images, labels)
    assert "schedule_g" not in constant.state_dict()  # runs from before the setting still resume
    assert constant.opt_g.param_groups[0]["lr"] == constant.hparams["lr_g"]
    recipe, images, labels = prepared_recipe(name, epochs=4, decay_from=0.5)
    start = [recipe.hparams["lr_g"], recipe.hparams["lr_d"]]
    rates = []
    for _ in range(4):
        trainer_step(recipe, images, labels)
        rates.append([opt.param_groups[0]["lr"] for opt in (recipe.opt_g, recipe.opt_d)])
    assert rates == [start, pytest.approx(start), pytest.approx([0.5 * lr for lr in start]), [0.0, 0.0]]
    restored = make_recipe(name, 10, epochs=4, decay_from=0.5)
    restored.load_state_dict(recipe.state_dict())
    assert restored.opt_d.param_groups[0]["lr"] == 0.0


# --- self-conditioning -------------------------------------------------------------


def blobs(n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` 2-d points around three far-apart centres (unequal shares) and their true blob."""
    gen = torch.Generator().manual_seed(seed)
    truth = torch.tensor([0] * (n // 2) + [1] * (n // 3) + [2] * (n - n // 2 - n // 3))
    centres = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    return centres[truth] + 0.5 * torch.randn(n, 2, generator=gen), truth


@pytest.mark.parametrize("seed", range(5))
def test_kmeans_recovers_separated_blobs(seed):
    points, truth = blobs(300, seed)
    codebook = ClusterCodebook(3, 2)
    ids = codebook.fit(points, torch.Generator().manual_seed(seed))
    assert len(set(zip(truth.tolist(), ids.tolist()))) == 3  # the same partition, renamed
    assert sorted(codebook.sizes.tolist()) == [50.0, 100.0, 150.0]
    assert torch.equal(codebook.assign(points[:5]), ids[:5])


def test_kmeans_with_fewer_distinct_images_than_clusters_leaves_clusters_empty():
    points = torch.tensor([[0.0, 0.0], [1.0, 1.0]]).repeat(4, 1)
    codebook = ClusterCodebook(5, 2)
    codebook.fit(points)
    assert codebook.sizes.sum() == 8 and (codebook.sizes > 0).sum() == 2


SELF_CONDITIONED = ["lsgan-mnist", "gan-mnist"]  # a DCGAN and an MLP generator


@pytest.mark.parametrize("name", SELF_CONDITIONED)
def test_self_conditioned_gan_draws_clusters_by_their_size_and_trains(name):
    recipe = make_recipe(name, 8)
    with pytest.raises(RuntimeError, match="call prepare"):
        recipe.conditioning(4)
    data = testing.tiny_data(get_spec(name), n=256)
    recipe.prepare(data)
    weights = recipe.codebook.sizes / recipe.codebook.sizes.sum()
    assert torch.equal(recipe.ema.cluster_weights, weights) and torch.equal(recipe.generator.cluster_weights, weights)
    torch.manual_seed(0)
    drawn = torch.bincount(recipe.conditioning(20000)["labels"], minlength=len(weights)) / 20000
    assert (drawn - weights).abs().max() < 0.01
    seen, original = [], recipe.discriminator.forward
    recipe.discriminator.forward = lambda images, labels: seen.append(labels) or original(images, labels)
    recipe.train_step(data.images[:8], data.labels[:8])
    assert torch.equal(seen[0], recipe.codebook.assign(data.images[:8]))  # real images carry their cluster


@pytest.mark.parametrize("name", SELF_CONDITIONED)
def test_self_conditioned_generator_samples_its_clusters_and_ignores_empty_ones(name):
    model = fresh(name)
    with torch.no_grad():
        model.cluster_weights.zero_()[7] = 1.0
    z = model.latent_noise(SampleNoise.seeded(5, 3), model.latent_dim)
    only_seven = model(z, torch.full((3,), 7)).add(1).mul(0.5)
    assert torch.allclose(model.sample(3, seed=5), only_seven)
    assert not torch.allclose(model(z, torch.full((3,), 8)), model(z, torch.full((3,), 7)))


# --- sampling ------------------------------------------------------------------


@pytest.mark.parametrize("name", FLAVOURS)
def test_same_seed_same_samples(name):
    model = fresh(name)
    assert torch.equal(model.sample(6, seed=1), model.sample(6, seed=1))
    assert not torch.equal(model.sample(6, seed=1), model.sample(6, seed=2))


@pytest.mark.parametrize("name", CONDITIONAL)
def test_labels_are_validated(name):
    model = fresh(name)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 10\)"):
        model.sample(2, labels=[3, 10])
    with pytest.raises(ValueError, match="one entry per image: expected 3, got 2"):
        model.sample(3, labels=[1, 2])
    with pytest.raises(TypeError, match="integers"):
        model.sample(2, labels=torch.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="sequence of 2 ints"):
        model.sample(2, labels=object())
    with pytest.raises(TypeError, match="codes"):
        model.sample(2, codes={})


@pytest.mark.parametrize("name", CONDITIONAL)
def test_labels_none_draws_every_class_uniformly(name):
    model = fresh(name)
    assert "uniform" in type(model).__doc__
    labels = model.split_conditioning(20000, SampleNoise.seeded(0, 20000, CONDITIONING))["labels"]
    counts = torch.bincount(labels, minlength=10).double()
    assert counts.numel() == 10 and ((counts - 2000).abs() < 200).all(), counts
    labelled = model.sample(4, seed=0, labels=[7] * 4)
    assert torch.equal(labelled, model.sample(4, seed=0, labels=torch.full((4,), 7)))


def test_infogan_q_head_learns_to_recover_the_generators_codes():
    spec = get_spec("infogan-mnist")
    torch.manual_seed(0)
    hparams = {**testing.tiny_hparams(spec, 32), "lr_d": 2e-3, "lr_g": 2e-3}
    config = {**spec.config, "width": 8, "hidden": 64}
    recipe = spec.recipe_class()(spec, config, hparams, torch.device("cpu"), 1)
    images = testing.tiny_data(spec, 32).images
    labels = torch.zeros(32, dtype=torch.long)
    first = [recipe.train_step(images, labels)["info_d"] for _ in range(3)]
    for _ in range(60):
        last = recipe.train_step(images, labels)["info_d"]
    assert last < 0.5 * min(first), (first, last)  # the categorical code starts at log(10) = 2.3 nats


def test_infogan_codes_sweep_and_validation():
    model = fresh("infogan-mnist")
    sweep = torch.stack([torch.linspace(-1, 1, 5), torch.zeros(5)], 1)
    codes = {"categorical": [2] * 5, "continuous": sweep}
    images = model.sample(5, seed=0, codes=codes)
    assert torch.equal(images, model.sample(5, seed=0, codes={"categorical": torch.full((5,), 2), "continuous": sweep.tolist()}))
    assert not torch.equal(images[0], images[-1])  # the swept code changes the image
    other = model.sample(5, seed=0, codes={**codes, "categorical": [3] * 5})
    assert not torch.equal(images, other)
    drawn = model.split_conditioning(4, SampleNoise.seeded(0, 4, CONDITIONING), codes={"categorical": [1, 2, 3, 4]})
    assert drawn["continuous"].shape == (4, 2) and drawn["continuous"].abs().max() <= 1
    for bad, error, match in [
        ([1, 2], TypeError, "must be a dict"),
        ({"style": [0] * 2}, ValueError, "unknown keys"),
        ({"categorical": [0, 10]}, ValueError, r"codes\['categorical'\] must be in \[0, 10\)"),
        ({"categorical": [0.0, 1.0]}, TypeError, "integers"),
        ({"continuous": [[0.0, 0.0]]}, ValueError, r"2 rows of 2 floats, got shape \(1, 2\)"),
        ({"continuous": [[0.0, math.nan]] * 2}, ValueError, "NaN"),
        ({"continuous": "wide"}, TypeError, "rows of 2 floats"),
    ]:
        with pytest.raises(error, match=match):
            model.sample(2, codes=bad)
    with pytest.raises(TypeError, match="labels"):
        model.sample(2, labels=[0, 1])
