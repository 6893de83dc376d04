"""What the GAN flavours with extra networks offer their users: SGAN's classify, ClusterGAN's
cluster, CoGAN's pairs, EBGAN's pulling-away term, and SGAN's reproducible labelled subset."""
from __future__ import annotations

import pytest
import torch

from zoo import testing
from zoo.core.registry import get_spec
from zoo.data.datasets import ImageData
from zoo.hub.load import instantiate
from zoo.models.encoders import ConvEncoder
from zoo.testing import example_images
from zoo_plugins.clustergan.metrics import matched_accuracy, purity
from zoo_plugins.cogan.model import CoupledDiscriminator
from zoo_plugins.ebgan.loss import pulling_away
from zoo_plugins.sgan.recipe import ClassifyingCritic, LabelledSubset


def test_sgan_classifies_images_into_its_classes() -> None:
    model = instantiate(get_spec("sgan-mnist")).eval()
    ids = model.classify(example_images(model.image_shape, 5))
    assert ids.shape == (5,) and ids.dtype == torch.long and ids.min() >= 0 and ids.max() < 10
    assert model.class_logits(model.sample(3, seed=0)).shape == (3, 10)
    with pytest.raises(ValueError, match="shape"):
        model.classify(torch.zeros(2, 3, 28, 28))
    assert model.classify(torch.zeros(0, 1, 28, 28)).shape == (0,)
    assert model.classify(torch.rand(1001, 1, 28, 28)).shape == (1001,)  # more than one evaluation batch


def test_sgan_reports_its_test_accuracy_from_classify() -> None:
    model = instantiate(get_spec("sgan-mnist")).eval()
    images = example_images(model.image_shape, 8)
    predicted = model.classify(images)
    assert model.evaluation_metrics(images, predicted) == {"test_accuracy": 1.0}
    wrong_half = torch.cat([predicted[:4], (predicted[4:] + 1) % 10])
    assert model.evaluation_metrics(images, wrong_half) == {"test_accuracy": 0.5}


def test_the_sgan_critic_projects_cluster_ids_onto_realness_but_never_onto_classes() -> None:
    torch.manual_seed(0)
    critic = ClassifyingCritic(ConvEncoder(10, 8), clusters=5).eval()
    x = torch.rand(3, 1, 28, 28) * 2 - 1
    logits, plain = critic(x)
    assert torch.allclose(plain, logits.logsumexp(1))
    for ids in (torch.tensor([0, 1, 2]), torch.tensor([4, 4, 4])):
        conditioned_logits, realness = critic(x, ids)
        assert torch.equal(conditioned_logits, logits) and not torch.allclose(realness, plain)


def test_sgan_labelled_subset_is_balanced_and_follows_the_seed() -> None:
    data = ImageData(torch.rand(200, 1, 28, 28), torch.arange(200) % 10)
    picks = []
    for seed in (0, 0, 1):
        torch.manual_seed(seed)
        subset = LabelledSubset(30, (1, 28, 28))
        subset.pick(data, 10)
        picks.append(subset.images)
        assert torch.equal(torch.bincount(subset.labels, minlength=10), torch.full((10,), 3))
    assert torch.equal(picks[0], picks[1]) and not torch.equal(picks[0], picks[2])


def test_clustergan_samples_given_clusters_and_clusters_images() -> None:
    model = instantiate(get_spec("clustergan-mnist")).eval()
    x = model.sample(4, seed=0, clusters=[0, 1, 2, 3])
    assert x.shape == (4, 1, 28, 28)
    assert not torch.equal(x, model.sample(4, seed=0, clusters=[3, 2, 1, 0]))
    ids = model.cluster(x)
    assert ids.shape == (4,) and ids.dtype == torch.long and ids.max() < 10
    assert model.cluster(torch.zeros(0, 1, 28, 28)).shape == (0,)
    with pytest.raises(ValueError, match="clusters"):
        model.sample(2, clusters=[0, 10])


def test_clustergan_scores_clusters_against_labels_up_to_renaming() -> None:
    model = instantiate(get_spec("clustergan-mnist")).eval()
    images = model.sample(20, seed=0, clusters=torch.arange(20) % 10)
    ids = model.cluster(images)
    renamed = (ids + 3) % 10  # the same partition under other class names
    assert model.evaluation_metrics(images, renamed) == {"cluster_accuracy": 1.0, "cluster_purity": 1.0}
    assert model.evaluation_metrics(images, torch.zeros(20, dtype=torch.long) + 9)["cluster_purity"] == 1.0


def test_cogan_pairs_are_the_two_domains_of_one_code() -> None:
    model = instantiate(get_spec("cogan-mnist")).eval()
    digits, negatives = model.sample_pairs(3, seed=5)
    assert torch.equal(digits, model.sample(3, seed=5))
    assert torch.equal(negatives, model.sample(3, seed=5, domain=1))
    assert not torch.equal(digits, negatives)
    with pytest.raises(ValueError, match="domain"):
        model.sample(2, domain=2)


def test_cogan_pairs_share_their_cluster_and_the_cluster_shapes_the_pair() -> None:
    model = instantiate(get_spec("cogan-mnist")).eval()
    assert model.cluster_count() == 100
    z = torch.randn(2, model.latent_dim)
    same = model(z, torch.tensor([3, 3]))
    assert torch.equal(same, model(z, torch.tensor([3, 3])))
    assert not torch.allclose(same, model(z, torch.tensor([4, 4])))


def test_the_self_conditioned_coupled_discriminator_scores_each_domain_with_its_own_clusters() -> None:
    torch.manual_seed(0)
    critic = CoupledDiscriminator(width=8, clusters=5).eval()
    pairs = torch.rand(3, 2, 28, 28) * 2 - 1
    shared = critic(pairs, torch.tensor([1, 2, 3]))
    assert shared.shape == (3, 2)
    assert torch.equal(shared, critic(pairs, torch.tensor([[1, 1], [2, 2], [3, 3]])))
    other = critic(pairs, torch.tensor([[1, 4], [2, 4], [3, 4]]))
    assert torch.equal(other[:, 0], shared[:, 0]) and not torch.equal(other[:, 1], shared[:, 1])
    with pytest.raises(ValueError, match="cluster ids"):
        critic(pairs)


def test_cogan_real_pairs_take_the_clusters_of_the_digits_their_negatives_came_from() -> None:
    spec = get_spec("cogan-mnist")
    torch.manual_seed(0)
    recipe = spec.recipe_class()(spec, dict(spec.config), testing.tiny_hparams(spec, 4), torch.device("cpu"), 1)
    digits = torch.rand(40, 1, 28, 28)
    recipe.prepare(ImageData(digits, torch.zeros(40, dtype=torch.long)))
    batch = digits[:4]
    ids = recipe.cluster_ids(torch.cat([batch, 1 - batch.roll(1, 0)], 1))
    own = recipe.codebook.assign(batch)
    assert torch.equal(ids, torch.stack([own, own.roll(1, 0)], 1))


def test_pulling_away_term_is_zero_for_orthogonal_codes_and_one_for_parallel_ones() -> None:
    assert pulling_away(torch.eye(4)).item() == pytest.approx(0.0)
    assert pulling_away(torch.ones(4, 3) * torch.arange(1, 5).unsqueeze(1)).item() == pytest.approx(1.0)


def test_clustering_accuracy_matches_clusters_to_classes_one_to_one() -> None:
    labels = torch.arange(100) % 10
    renamed = (labels * 3 + 1) % 10  # the same clusters under other names
    assert matched_accuracy(renamed, labels, 10, 10) == 1.0 and purity(renamed, labels, 10, 10) == 1.0
    merged = labels.clamp(max=8)  # classes 8 and 9 share a cluster: one of them is lost
    assert matched_accuracy(merged, labels, 10, 10) == pytest.approx(0.9)
    assert purity(merged, labels, 10, 10) == pytest.approx(0.9)
    assert matched_accuracy(torch.zeros(100, dtype=torch.long), labels, 10, 10) == pytest.approx(0.1)
