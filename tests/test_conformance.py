"""The conformance kit (zoo.testing): every built-in model passes it, and it
catches models that break the contract."""
from __future__ import annotations

import importlib
import os
import sys
import textwrap
from pathlib import Path

import pytest

import zoo
import zoo.core.registry
import zoo_plugins
from zoo import testing
from zoo.testing import ConformanceError

BUILTIN = set(zoo_plugins.BUILTIN_PLUGINS)


# --- every built-in model passes the kit -------------------------------------


@pytest.mark.parametrize(("model", "check"), testing.cases(plugin=BUILTIN))
def test_builtin_model_honours_the_contract(model: str, check: str) -> None:
    testing.run_check(model, check)


def test_every_builtin_plugin_is_checked() -> None:
    registry = zoo.core.registry.get_registry()
    checked = {model for model, _ in testing.cases(plugin=BUILTIN)}
    for name in BUILTIN:
        info = registry.plugins.plugins[name]
        assert info.error is None, info.describe_error()
        assert info.models or info.datasets, f"built-in plugin {name!r} registers no model and no dataset"
        assert set(info.models) <= checked
    for model in checked:
        spec = zoo.core.registry.get_spec(model)
        applied = testing.checks_for(spec)
        assert "spec" in applied
        assert ("sample" in applied) == (spec.family != "classifier")
        assert ("train-step" in applied) == (spec.recipe is not None)
        assert ("weights" in applied) == (spec.pins is not None)


# --- a plugin with one model per broken rule ---------------------------------

KIT_MODELS = '''
"""Tiny models for testing the kit: Good* keep the contract, the others each break one rule."""
import torch
import torch.nn.functional as F
from torch import nn

from zoo.models.autoencoder import Autoencoder
from zoo.models.base import ConditionalModel, GenerativeModel, check_count, check_images
from zoo.models.capabilities import Capability
from zoo.train.settings import RATE
from zoo.train.trainer import Recipe


class Good(GenerativeModel):
    def __init__(self, latent_dim=4):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Linear(latent_dim, 28 * 28)

    def forward(self, z):
        return torch.sigmoid(self.net(z)).view(-1, 1, 28, 28)

    def generate(self, noise):
        return self(self.latent_noise(noise, self.latent_dim))


class GlobalRandom(Good):
    def generate(self, noise):
        return self(torch.randn(len(noise), self.latent_dim))


class BatchNoise(Good):
    """Draws the whole batch's noise from its first image's generator."""

    def generate(self, noise):
        return self(torch.randn(len(noise), self.latent_dim, generator=noise.generators[0]))


class NoCountCheck(Good):
    def sample(self, n, **kwargs):
        return super().sample(max(n, 1), **kwargs)[:n]


class Float64Images(Good):
    def sample(self, n, **kwargs):
        return super().sample(n, **kwargs).double()


class SignedImages(Good):
    def sample(self, n, **kwargs):
        return super().sample(n, **kwargs) * 2 - 1


class Float32Noise(Good):
    def generate(self, noise):
        return self(noise.normal(self.latent_dim))


class WrongShape(Good):
    """Says it makes 32x32 images, makes 28x28 ones."""

    image_shape = (1, 32, 32)

    def sample(self, n, **kwargs):
        return torch.full((check_count(n), 1, 28, 28), 0.5)


class LabelsNotConditional(Good):
    provides = (Capability.LABELS,)


class GoodConditional(ConditionalModel):
    def __init__(self, latent_dim=4):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Linear(latent_dim + 10, 28 * 28)

    def generate(self, noise, labels):
        z = torch.cat([self.latent_noise(noise, self.latent_dim), F.one_hot(labels, 10).to(self.dtype)], 1)
        return torch.sigmoid(self.net(z)).view(-1, 1, 28, 28)


class DeafConditional(GoodConditional):
    def generate(self, noise, labels):
        return super().generate(noise, torch.zeros_like(labels))


class GoodAutoencoder(Autoencoder):
    def __init__(self, latent_dim=4):
        super().__init__(latent_dim)
        self.encoder = nn.Linear(28 * 28, latent_dim)
        self.decoder = nn.Linear(latent_dim, 28 * 28)

    def encode_batch(self, x):
        return self.encoder(x.flatten(1))

    def decode_batch(self, z):
        return torch.sigmoid(self.decoder(z)).view(-1, 1, 28, 28)


class TrustingAutoencoder(GoodAutoencoder):
    def encode(self, x):
        return self.encode_batch(x)


class OwnPriorAutoencoder(GoodAutoencoder):
    """Draws its codes in generate(), which `zoo interpolate` (through draw_codes) never sees."""

    def generate(self, noise):
        return self.decode_batch(2 + self.latent_noise(noise, self.latent_dim))


class UndeclaredClassifier(nn.Module):
    """A working classifier that does not declare what it is."""

    image_shape = (1, 28, 28)

    def __init__(self):
        super().__init__()
        self.net = nn.Linear(28 * 28, 10)

    def forward(self, x):
        x = check_images(x, self.image_shape)
        return self.net(x.flatten(1).to(self.net.weight.dtype))


class GoodClassifier(UndeclaredClassifier):
    provides = (Capability.CLASSIFY,)


class FlatLogits(GoodClassifier):
    def forward(self, x):
        return super().forward(x).sum(1)


class GoodRecipe(Recipe):
    defaults = {"epochs": 1, "batch_size": 8, "lr": 0.1}
    bounds = {**Recipe.bounds, "lr": RATE}

    def setup(self):
        self.model = Good(**self.model_config)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=self.hparams["lr"])

    def loss(self, images):
        return F.mse_loss(self.model(torch.randn(images.shape[0], self.model.latent_dim)), images)

    def train_step(self, images, labels):
        loss = self.loss(images)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return {"loss": loss.item()}

    def export_model(self):
        return self.model


class UndeclaredRecipe(GoodRecipe):
    defaults = {**GoodRecipe.defaults, "momentum": 0.9}


class DoubleScheduleRecipe(GoodRecipe):
    """Steps its learning-rate schedule itself, on top of the trainer."""

    def setup(self):
        super().setup()
        self.schedule = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda step: 1.0)

    def train_step(self, images, labels):
        losses = super().train_step(images, labels)
        self.schedule.step()
        return losses


class NoStepRecipe(GoodRecipe):
    def train_step(self, images, labels):
        return {"loss": self.loss(images).item()}


class NaNRecipe(GoodRecipe):
    def train_step(self, images, labels):
        super().train_step(images, labels)
        return {"loss": float("nan")}


class TensorLossRecipe(GoodRecipe):
    def train_step(self, images, labels):
        loss = self.loss(images)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return {"loss": loss.detach()}


class WrongExportRecipe(GoodRecipe):
    def export_model(self):
        return nn.Linear(3, 3)


class HiddenStateRecipe(GoodRecipe):
    """Keeps a step count outside its modules and optimisers: a resume loses it."""

    calls = 0

    def train_step(self, images, labels):
        self.calls += 1
        for group in self.optimizer.param_groups:
            group["lr"] = self.hparams["lr"] / self.calls
        return super().train_step(images, labels)
'''

KIT_PLUGIN = '''
from zoo import ModelSpec, hookimpl

MODELS = {MODELS!r}


@hookimpl
def register_models(register):
    for name, (build, fields) in MODELS.items():
        family = fields.get("family", "gan")
        values = dict(
            family=family,
            summary="a model for testing the conformance kit",
            dataset="crosses",
            licence="MIT",
            config={{}} if family == "classifier" else {{"latent_dim": 4}},
        )
        values.update(fields)
        register(ModelSpec(name=name, build="kit_models:" + build, **values))
'''

GOOD = {
    "kit-good": ("Good", {"recipe": "kit_models:GoodRecipe"}),
    "kit-good-conditional": ("GoodConditional", {}),
    "kit-good-autoencoder": ("GoodAutoencoder", {"family": "autoencoder"}),
    "kit-good-classifier": ("GoodClassifier", {"family": "classifier"}),
}

# model -> (build, spec fields, the check that must fail, what its message must say)
BROKEN = {
    "kit-wrong-shape": ("WrongShape", {}, "sample", r"shape \(3, 1, 28, 28\), expected \(3, 1, 32, 32\)"),
    "kit-not-conditional": ("LabelsNotConditional", {}, "spec", "is not a zoo.models.base.ConditionalModel"),
    "kit-undeclared-classifier": ("UndeclaredClassifier", {"family": "classifier"}, "spec", "must declare 'classify'"),
    "kit-no-licence": ("Good", {"licence": ""}, "spec", "'licence' must be a non-empty string"),
    "kit-global-random": ("GlobalRandom", {}, "determinism", r"sample\(4, seed=7\) differs between two calls"),
    "kit-batch-noise": ("BatchNoise", {}, "determinism", r"sample\(2, seed=7\) differs from sample\(4, seed=7\)\[:2\]"),
    "kit-no-count-check": ("NoCountCheck", {}, "bad-input", r"sample\(0\) was accepted; expected ValueError"),
    "kit-float64-images": ("Float64Images", {}, "sample", "dtype torch.float64, expected torch.float32"),
    "kit-signed-images": ("SignedImages", {}, "sample", r"has values in \[-[\d.]+, [\d.]+\], expected \[0, 1\]"),
    "kit-float32-noise": ("Float32Noise", {}, "devices", "RuntimeError"),
    "kit-deaf-conditional": ("DeafConditional", {}, "labels", "other labels give the same images"),
    "kit-trusting-autoencoder": ("TrustingAutoencoder", {"family": "autoencoder"}, "autoencoder", r"encode\('not images'\) raised AttributeError"),
    "kit-own-prior-autoencoder": ("OwnPriorAutoencoder", {"family": "autoencoder"}, "autoencoder", r"must equal decode\(prior_codes\(n, seed=s\)\)"),
    "kit-flat-logits": ("FlatLogits", {"family": "classifier"}, "classifier", r"must give a \(n, classes\) tensor"),
    "kit-no-step": ("Good", {"recipe": "kit_models:NoStepRecipe"}, "train-step", "left the parameters of recipe.model unchanged"),
    "kit-undeclared-range": ("Good", {"recipe": "kit_models:UndeclaredRecipe"}, "spec", "declares no range for momentum"),
    "kit-double-schedule": ("Good", {"recipe": "kit_models:DoubleScheduleRecipe"}, "trainer", "advanced 4 times in 2 train steps"),
    "kit-nan-loss": ("Good", {"recipe": "kit_models:NaNRecipe"}, "train-step", "loss 'loss' is nan at step 1"),
    "kit-tensor-loss": ("Good", {"recipe": "kit_models:TensorLossRecipe"}, "train-step", "loss 'loss' is Tensor, not a float"),
    "kit-wrong-export": ("Good", {"recipe": "kit_models:WrongExportRecipe"}, "train-step", "state_dict"),
    "kit-hidden-state": ("Good", {"recipe": "kit_models:HiddenStateRecipe"}, "train-step", "restored from state_dict"),
}


def install_plugin(site: Path, models: dict) -> None:
    """Install the kit test plugin into ``site`` as a distribution with a ``zoo`` entry point."""
    info = site / "kit_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kit-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[zoo]\nkit = kit_plugin\n", encoding="utf-8")
    (site / "kit_models.py").write_text(textwrap.dedent(KIT_MODELS), encoding="utf-8")
    (site / "kit_plugin").mkdir()  # a package: its folder can ship a catalog and weights
    (site / "kit_plugin" / "__init__.py").write_text(KIT_PLUGIN.format(MODELS=models), encoding="utf-8")
    importlib.invalidate_caches()


@pytest.fixture(scope="class")
def kit_plugin(tmp_path_factory: pytest.TempPathFactory):
    site = tmp_path_factory.mktemp("site")
    models = {**GOOD, **{name: (build, fields) for name, (build, fields, _, _) in BROKEN.items()}}
    install_plugin(site, models)
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(site))
        zoo.core.registry.reset()
        yield site
    zoo.core.registry.reset()
    for module in ("kit_plugin", "kit_models"):
        sys.modules.pop(module, None)


@pytest.mark.usefixtures("kit_plugin")
class TestKitCatchesBrokenModels:
    @pytest.mark.parametrize("model", list(GOOD))
    def test_a_model_that_keeps_the_contract_passes(self, model: str) -> None:
        ran = testing.check_model(model)
        assert ran == testing.checks_for(zoo.core.registry.get_spec(model))
        assert "spec" in ran

    def test_checks_follow_family_recipe_and_conditioning(self) -> None:
        assert testing.checks_for(zoo.core.registry.get_spec("kit-good")) == [
            "spec", "sample", "determinism", "bad-input", "devices", "train-step", "trainer"
        ]
        assert "labels" in testing.checks_for(zoo.core.registry.get_spec("kit-good-conditional"))
        assert "autoencoder" in testing.checks_for(zoo.core.registry.get_spec("kit-good-autoencoder"))
        assert testing.checks_for(zoo.core.registry.get_spec("kit-good-classifier")) == ["spec", "classifier"]
        assert testing.cases("kit-good-c*") == [
            ("kit-good-classifier", "spec"),
            ("kit-good-classifier", "classifier"),
            *[("kit-good-conditional", check) for check in testing.checks_for(zoo.core.registry.get_spec("kit-good-conditional"))],
        ]
        assert {model for model, _ in testing.cases(plugin="kit")} == set(GOOD) | set(BROKEN)
        assert testing.cases(plugin="no-such-plugin") == []

    @pytest.mark.parametrize("model", list(BROKEN))
    def test_a_broken_rule_fails_its_check(self, model: str) -> None:
        _, _, check, message = BROKEN[model]
        with pytest.raises(ConformanceError, match=message) as excinfo:
            testing.run_check(model, check)
        assert str(excinfo.value).startswith(f"{model}: {check}: ")
        with pytest.raises(ConformanceError):
            testing.check_model(model)

    def test_unknown_or_inapplicable_check_is_refused(self) -> None:
        with pytest.raises(ValueError, match="unknown check 'colour'"):
            testing.run_check("kit-good", "colour")
        with pytest.raises(ValueError, match="does not apply"):
            testing.run_check("kit-good-classifier", "sample")
        with pytest.raises(zoo.UnknownModelError):
            testing.run_check("kit-nope", "spec")


# --- weight verification -----------------------------------------------------

CATALOG = """
[models.kit-good]
plugin = "kit"
family = "gan"
dataset = "crosses"
licence = "MIT"

[models.kit-good.hub]
repo = "kit-org/kit-good"
revision = "main"
files = {{ "model.safetensors" = "{sha}" }}
"""


@pytest.fixture
def pinned_kit_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """kit-good with weights and a catalog shipped in the kit plugin's package; ZOO_HUB is an empty folder."""
    import torch
    from safetensors.torch import save_file

    from zoo.hub.resolve import sha256_of
    from zoo.hub.load import instantiate

    site = tmp_path / "site"
    install_plugin(site, GOOD)
    monkeypatch.syspath_prepend(str(site))
    zoo.core.registry.reset()
    torch.manual_seed(0)
    weights = site / "kit_plugin" / "hub" / "kit-org" / "kit-good" / "model.safetensors"
    weights.parent.mkdir(parents=True)
    save_file(instantiate(zoo.core.registry.get_spec("kit-good")).state_dict(), str(weights))
    catalog = site / "kit_plugin" / "registry.toml"
    (tmp_path / "hub").mkdir()
    monkeypatch.setenv("ZOO_HUB", str(tmp_path / "hub"))

    def pin(sha: str) -> None:
        catalog.write_text(CATALOG.format(sha=sha), encoding="utf-8")
        zoo.core.registry.reset()

    pin(sha256_of(weights))
    yield pin
    zoo.core.registry.reset()
    for module in ("kit_plugin", "kit_models"):
        sys.modules.pop(module, None)


def test_weights_check_loads_pinned_weights_and_refuses_a_tampered_copy(pinned_kit_model, tmp_path: Path) -> None:
    assert "weights" in testing.checks_for(zoo.core.registry.get_spec("kit-good"))
    testing.run_check("kit-good", "weights")
    assert os.environ["ZOO_HUB"] == str(tmp_path / "hub")  # the check puts ZOO_HUB back


def test_weights_check_fails_when_the_pin_does_not_match(pinned_kit_model) -> None:
    pinned_kit_model("0" * 64)
    with pytest.raises(ConformanceError, match="kit-good: weights: ChecksumError: sha256 mismatch"):
        testing.run_check("kit-good", "weights")

