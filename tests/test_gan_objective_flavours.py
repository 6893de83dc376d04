"""The GAN flavours whose novelty is the objective: each names its paper, and its recipe
builds the paper's loss and penalty (with the paper's settings) on a critic fit for it."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from zoo import testing
from zoo.core.registry import get_spec
from zoo.models.dcgan import DCGANDiscriminator

# name: (paper, loss class, penalty class or None, penalty settings, critic keeps batch norm)
FLAVOURS = {
    "dragan-mnist": ("https://arxiv.org/abs/1705.07215", "NonSaturatingLoss", "DRAGANPenalty",
                     {"penalty_weight": 10.0, "perturbation": 0.5}, False),
    "ragan-mnist": ("https://arxiv.org/abs/1807.00734", "RelativisticAverageLoss", None, {}, True),
    "wgan-div-mnist": ("https://arxiv.org/abs/1712.01026", "WassersteinLoss", "WGANDivPenalty",
                       {"penalty_weight": 2.0, "div_power": 6.0}, False),
    "softmax-gan-mnist": ("https://arxiv.org/abs/1704.06191", "SoftmaxLoss", None, {}, False),
    "bgan-mnist": ("https://arxiv.org/abs/1702.08431", "BoundarySeekingLoss", None, {}, True),
}


def recipe_for(name: str):
    spec = get_spec(name)
    torch.manual_seed(0)
    return spec.recipe_class()(spec, dict(spec.config), testing.tiny_hparams(spec, 4), torch.device("cpu"), 1)


@pytest.mark.parametrize("name", FLAVOURS)
def test_each_flavour_names_its_paper_and_uses_the_dcgan_networks(name: str) -> None:
    spec = get_spec(name)
    assert spec.paper == FLAVOURS[name][0] and spec.family == "gan"
    assert spec.build == "zoo.models.dcgan:DCGANGenerator" and spec.config["clusters"] == 100
    assert isinstance(recipe_for(name).discriminator, DCGANDiscriminator)


@pytest.mark.parametrize("name", FLAVOURS)
def test_each_recipe_builds_the_papers_loss_and_penalty(name: str) -> None:
    _, loss, penalty, settings, batch_norm = FLAVOURS[name]
    recipe = recipe_for(name)
    assert type(recipe.loss).__name__ == loss
    assert type(recipe.penalty).__name__ == penalty if penalty else recipe.penalty is None
    for key, value in settings.items():
        assert recipe.hparams[key] == value
        assert getattr(recipe.penalty, key, value) == value  # the penalty got it, not only the recipe
    has_batch_norm = any(isinstance(m, nn.BatchNorm2d) for m in recipe.discriminator.modules())
    assert has_batch_norm == batch_norm


def test_the_softmax_gan_discriminator_is_spectrally_normalised() -> None:
    modules = recipe_for("softmax-gan-mnist").discriminator.modules()
    layers = [m for m in modules if isinstance(m, (nn.Conv2d, nn.Linear))]
    assert layers and all(nn.utils.parametrize.is_parametrized(m, "weight") for m in layers)
