"""Conformance kit: checks that a plugin's models honour the zoo's model contract.

Use it from a plugin's own test suite, one test per model and check::

    import pytest
    from zoo import testing

    @pytest.mark.parametrize(("model", "check"), testing.cases(plugin="mygan"))
    def test_conformance(model, check):
        testing.run_check(model, check)

or run every check that applies to one model with ``testing.check_model(name)``.
A plugin's tests of ``zoo push``, ``zoo search`` and ``hf-hub:`` downloads use
the ``hub_server`` fixture (``from zoo.testing import hub_server``): a local hub
on 127.0.0.1 that ``huggingface_hub`` talks to as to the real one; point
``HF_ENDPOINT`` at its ``url``.
A broken contract raises ``ConformanceError`` naming the model, the check and
the fault. The checks use tiny toy data and build each model on a tiny config
(:func:`tiny_config`; the ``spec`` and ``weights`` checks use the published
one), run on CPU (and on CUDA or MPS where present) and take seconds per model.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from zoo.data.datasets import ImageData
from zoo.errors import ChecksumError
from zoo.hub.load import instantiate, load
from zoo.models.architecture import architecture
from zoo.models.base import ConditionalModel
from zoo.models.capabilities import Capability, capabilities
from zoo.core.registry import get_registry, get_spec
from zoo.core.spec import ModelSpec
from zoo.core.threads import one_thread
from zoo.train.settings import SettingError, check_hparams, undeclared
from zoo.train.state import load_checkpoint
from zoo.train.trainer import CHECKPOINT, Recipe, Trainer

__all__ = [
    "CHECKS",
    "Check",
    "ConformanceError",
    "cases",
    "check_model",
    "checks_for",
    "example_images",
    "expect",
    "expect_images",
    "expect_raises",
    "hub_server",
    "run_check",
    "tiny_config",
    "tiny_data",
    "tiny_hparams",
]

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TINY_DATA = 32  # toy images per training check
TINY_BATCH = 4  # batch size of the recipe steps
TRAINER_BATCH = 16  # batch size of the Trainer epoch: two steps
TINY_WIDTH = 8  # the kit's cap on a config's widths (WIDTH_KEYS)
TINY_DEPTH = 2  # and on its depths and sampling steps (DEPTH_KEYS)
WIDTH_KEYS = frozenset({"width", "widths", "hidden", "head", "features", "growth", "prior_width"})
DEPTH_KEYS = frozenset({"layers", "blocks", "prior_layers", "couplings", "steps", "default_steps"})


class ConformanceError(AssertionError):
    """A model breaks the zoo's contract."""


@dataclass(frozen=True)
class Check:
    """One named check and the models it applies to."""

    name: str
    run: Callable[[ModelSpec], None]
    applies: Callable[[ModelSpec], bool]
    published: bool = False  # runs on the published config, not on the kit's tiny one

    @property
    def description(self) -> str:
        return (self.run.__doc__ or "").strip()


CHECKS: dict[str, Check] = {}


def _check(name: str, applies: Callable[[ModelSpec], bool] = lambda spec: True, published: bool = False):
    def register(func: Callable[[ModelSpec], None]) -> Callable[[ModelSpec], None]:
        CHECKS[name] = Check(name, func, applies, published)
        return func

    return register


# --- running checks --------------------------------------------------------


def checks_for(spec: ModelSpec) -> list[str]:
    """Names of the checks that apply to a model (by family, recipe, weights)."""
    return [check.name for check in CHECKS.values() if check.applies(spec)]


def cases(pattern: str | None = None, *, plugin: str | Iterable[str] | None = None) -> list[tuple[str, str]]:
    """``(model, check)`` pairs for ``pytest.mark.parametrize``.

    Models are those in the registry matching the fnmatch ``pattern`` and, if
    given, registered by ``plugin`` (a plugin name or several).
    """
    registry = get_registry()
    plugins = {plugin} if isinstance(plugin, str) else None if plugin is None else set(plugin)
    pairs = []
    for name in registry.names(pattern):
        spec = registry.specs[name]
        if plugins is None or spec.plugin in plugins:
            pairs.extend((name, check) for check in checks_for(spec))
    return pairs


def run_check(model: str, check: str) -> None:
    """Run one check on a registered model; raises ``ConformanceError`` if it fails.

    The checks build the model on its :func:`tiny_config`, but for ``spec`` and
    ``weights``, which check the published config and weights.
    """
    if check not in CHECKS:
        raise ValueError(f"unknown check {check!r}; known checks: {', '.join(CHECKS)}")
    spec = get_spec(model)
    if not CHECKS[check].applies(spec):
        raise ValueError(f"check {check!r} does not apply to {model!r} (its checks: {', '.join(checks_for(spec))})")
    published = CHECKS[check].published
    checked = spec if published else spec.with_updates(config=tiny_config(spec))
    with one_thread(), torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        try:
            CHECKS[check].run(checked)
        except ConformanceError as exc:
            exc.args = (f"{model}: {check}: {exc}",)
            raise
        except Exception as exc:  # noqa: BLE001 - any crash is a broken contract
            where = "" if published else f" (built on the kit's tiny config {dict(checked.config)})"
            raise ConformanceError(f"{model}: {check}: {type(exc).__name__}: {exc}{where}") from exc


def check_model(model: str) -> list[str]:
    """Run every applicable check on a registered model; returns the checks run."""
    names = checks_for(get_spec(model))
    for name in names:
        run_check(model, name)
    return names


def tiny_config(spec: ModelSpec) -> dict[str, Any]:
    """The config the kit builds a model on: the spec's, with every width (``WIDTH_KEYS``, a
    number or a list of numbers) at most ``TINY_WIDTH`` and every depth or count of sampling
    steps (``DEPTH_KEYS``) at most ``TINY_DEPTH``, then the builder's own ``tiny_config``
    (a dict of settings, for a model whose config does not shrink so) on top."""
    def shrink(key: str, value: Any) -> Any:
        cap = TINY_WIDTH if key in WIDTH_KEYS else TINY_DEPTH if key in DEPTH_KEYS else None
        if cap is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            return min(value, cap)
        if isinstance(value, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return [min(v, cap) for v in value]
        return value

    config = {key: shrink(key, value) for key, value in spec.config.items()}
    return {**config, **getattr(spec.builder(), "tiny_config", {})}


# --- helpers ---------------------------------------------------------------


def expect(condition: Any, message: str) -> None:
    """Raise ``ConformanceError(message)`` unless ``condition`` holds."""
    if not condition:
        raise ConformanceError(message)


def expect_raises(
    errors: type[Exception] | tuple[type[Exception], ...], call: Callable[[], Any], what: str
) -> None:
    """``call()`` must raise one of ``errors``."""
    wanted = " or ".join(e.__name__ for e in (errors if isinstance(errors, tuple) else (errors,)))
    try:
        call()
    except errors:
        return
    except Exception as exc:  # noqa: BLE001 - reported as the wrong error
        raise ConformanceError(f"{what} raised {type(exc).__name__} ({exc}); expected {wanted}") from exc
    raise ConformanceError(f"{what} was accepted; expected {wanted}")


def expect_images(x: Any, shape: tuple[int, ...], what: str, device: torch.device | None = None) -> None:
    """``x`` is a finite float32 tensor of ``shape`` in ``[0, 1]`` (on ``device``)."""
    expect(isinstance(x, torch.Tensor), f"{what} returned {type(x).__name__}, not a torch.Tensor")
    expect(tuple(x.shape) == tuple(shape), f"{what} has shape {tuple(x.shape)}, expected {tuple(shape)}")
    expect(x.dtype == torch.float32, f"{what} has dtype {x.dtype}, expected torch.float32")
    expect(torch.isfinite(x).all(), f"{what} contains NaN or Inf")
    low, high = x.min().item(), x.max().item()
    expect(low >= 0 and high <= 1, f"{what} has values in [{low:.3g}, {high:.3g}], expected [0, 1]")
    if device is not None:
        expect(x.device.type == device.type, f"{what} is on {x.device}, expected {device}")


def example_images(shape: tuple[int, int, int], n: int, seed: int = 0) -> torch.Tensor:
    """``n`` seeded toy images in ``[0, 1]`` of ``shape`` ``(C, H, W)``: a box of random place, size and colour."""
    channels, height, width = shape
    gen = torch.Generator().manual_seed(seed)
    extent = torch.tensor([height, width], dtype=torch.float32)
    centre = torch.rand(n, 2, generator=gen) * extent
    half = 1 + torch.rand(n, 2, generator=gen) * extent / 4
    colour = 0.3 + 0.7 * torch.rand(n, channels, generator=gen)
    rows = (torch.arange(height).view(1, height, 1) - centre[:, 0].view(n, 1, 1)).abs() <= half[:, 0].view(n, 1, 1)
    cols = (torch.arange(width).view(1, 1, width) - centre[:, 1].view(n, 1, 1)).abs() <= half[:, 1].view(n, 1, 1)
    return (rows & cols).unsqueeze(1).float() * colour.view(n, channels, 1, 1)


def _fresh(spec: ModelSpec) -> nn.Module:
    return instantiate(spec).eval()


def _samples(spec: ModelSpec) -> bool:
    return spec.family != "classifier"


def _num_classes(spec: ModelSpec, model: nn.Module) -> int:
    if isinstance(model, ConditionalModel):
        return model.num_classes
    if spec.family == "classifier":
        with torch.no_grad():
            return model(example_images(model.image_shape, 2)).shape[1]
    return 10


def tiny_data(spec: ModelSpec, n: int = TINY_DATA) -> ImageData:
    """Toy images of the model's shape with labels valid for it."""
    model = _fresh(spec)
    return ImageData(example_images(model.image_shape, n), torch.arange(n) % _num_classes(spec, model))


def tiny_hparams(spec: ModelSpec, batch_size: int = TINY_BATCH) -> dict[str, Any]:
    """The recipe's defaults for one epoch of small batches."""
    return {**spec.recipe_class().defaults, "epochs": 1, "batch_size": batch_size}


def _accelerators() -> list[torch.device]:
    devices = []
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    if torch.backends.mps.is_available():
        devices.append(torch.device("mps"))
    return devices


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _check_outputs(spec: ModelSpec, model: nn.Module, what: str) -> None:
    """The family's main output is well formed: samples, or classifier logits."""
    if spec.family == "classifier":
        logits = model(example_images(model.image_shape, 3))
        shape = tuple(logits.shape)
        expect(logits.dim() == 2 and shape[0] == 3, f"{what}: logits have shape {shape}, expected (3, classes)")
        expect(torch.isfinite(logits).all(), f"{what}: logits contain NaN or Inf")
    else:
        expect_images(model.sample(3, seed=0), (3, *model.image_shape), f"{what}: sample(3, seed=0)")


# --- the checks ------------------------------------------------------------


@_check("spec", published=True)
def check_spec(spec: ModelSpec) -> None:
    """The spec is filled in and builds an architecture that says what it makes (shape, code size, classes)."""
    expect(NAME_PATTERN.fullmatch(spec.name), f"name {spec.name!r} must be letters, digits, '.', '_' or '-'")
    for field in ("summary", "dataset", "licence"):
        value = getattr(spec, field)
        expect(isinstance(value, str) and value.strip(), f"field {field!r} must be a non-empty string, got {value!r}")
    try:
        json.dumps(dict(spec.config))
    except TypeError as exc:
        raise ConformanceError(f"config must be JSON data (it is written to config.json): {exc}") from None
    model = _fresh(spec)
    expect(isinstance(model, nn.Module), f"build {spec.build!r} gave {type(model).__name__}, not a torch.nn.Module")
    expect(sum(p.numel() for p in model.parameters()) > 0, "the model has no parameters")
    shape = getattr(model, "image_shape", None)
    expect(
        isinstance(shape, tuple) and len(shape) == 3 and all(isinstance(d, int) and d > 0 for d in shape),
        f"the model's image_shape must be a tuple (C, H, W) of positive ints, got {shape!r}",
    )
    latent_dim = getattr(model, "latent_dim", None)
    expect(
        latent_dim is None or (isinstance(latent_dim, int) and latent_dim > 0),
        f"the model's latent_dim must be None or a positive int, got {latent_dim!r}",
    )
    declared = capabilities(model)
    expect(
        Capability.LABELS not in declared or isinstance(model, ConditionalModel),
        "the model declares 'labels' but is not a zoo.models.base.ConditionalModel (which has num_classes)",
    )
    for capability, needed in (
        (Capability.SAMPLE, _samples(spec)),
        (Capability.CODES, spec.family == "autoencoder"),
        (Capability.TRANSLATE, spec.family == "translation"),
        (Capability.STEPS, spec.family == "diffusion"),
        (Capability.BITS_PER_DIM, spec.family == "flow"),
        (Capability.CLASSIFY, spec.family == "classifier"),
    ):
        if needed:
            expect(capability in declared, f"a {spec.family} model must declare {capability.value!r} in its "
                   f"class's `provides` (zoo.models.capabilities); it declares {sorted(c.value for c in declared)}")
    if spec.recipe is not None:
        recipe = spec.recipe_class()
        expect(isinstance(recipe, type) and issubclass(recipe, Recipe), f"{spec.recipe!r} is not a zoo.train.trainer.Recipe")
        for key in ("epochs", "batch_size"):
            value = recipe.defaults.get(key)
            expect(isinstance(value, int) and value > 0, f"recipe defaults[{key!r}] must be a positive int, got {value!r}")
        missing = undeclared(recipe)
        expect(not missing, f"the recipe declares no range for {', '.join(missing)}: add them to its `bounds` "
               "(zoo.train.settings: COUNT, RATE, FRACTION, NON_NEGATIVE, Bound(choices=...))")
        try:
            check_hparams(recipe, dict(recipe.defaults))
        except SettingError as exc:
            raise ConformanceError(f"the recipe's own defaults are out of its declared ranges: {exc}") from None


@_check("sample", _samples)
def check_sample(spec: ModelSpec) -> None:
    """sample(n) gives float32 (n, C, H, W) in [0, 1] on the model's device, in one batch or several."""
    model = _fresh(spec)
    shape = model.image_shape
    expect_images(model.sample(3, seed=0), (3, *shape), "sample(3, seed=0)", model.device)
    expect_images(model.sample(3, batch_size=2), (3, *shape), "sample(3, batch_size=2)")  # the last batch: one image


@_check("determinism", _samples)
def check_determinism(spec: ModelSpec) -> None:
    """The same seed gives the same images, whatever the global RNG, count or batch size; another seed gives others."""
    model = _fresh(spec)
    first = model.sample(4, seed=7)
    torch.manual_seed(12345)
    expect(torch.equal(first, model.sample(4, seed=7)), "sample(4, seed=7) differs between two calls")
    batched = model.sample(4, seed=7, batch_size=3)
    expect(torch.equal(batched, model.sample(4, seed=7, batch_size=3)),
           "sample(4, seed=7, batch_size=3) differs between two calls")
    expect(not torch.equal(first, model.sample(4, seed=8)), "seeds 7 and 8 give identical images")
    per_image = "each image must draw only from its own generator of generate()'s noise"
    expect(torch.allclose(model.sample(2, seed=7), first[:2], atol=1e-5),
           f"sample(2, seed=7) differs from sample(4, seed=7)[:2]: {per_image}")
    expect(torch.allclose(batched, first, atol=1e-5),
           f"sample(4, seed=7, batch_size=3) differs from sample(4, seed=7): {per_image}")


@_check("bad-input", _samples)
def check_bad_input(spec: ModelSpec) -> None:
    """sample() refuses bad arguments: ValueError for n <= 0, TypeError for wrong types."""
    model = _fresh(spec)
    for n in (0, -1):
        expect_raises(ValueError, lambda n=n: model.sample(n), f"sample({n!r})")
    for n in (2.5, "3", None, True):
        expect_raises(TypeError, lambda n=n: model.sample(n), f"sample({n!r})")
    expect_raises(TypeError, lambda: model.sample(2, seed="0"), "sample(2, seed='0')")
    expect_raises(ValueError, lambda: model.sample(2, batch_size=0), "sample(2, batch_size=0)")
    expect_raises(TypeError, lambda: model.sample(2, no_such_argument=1), "sample(2, no_such_argument=1)")


@_check("labels", lambda spec: _samples(spec) and Capability.LABELS in capabilities(spec.builder()))
def check_labels(spec: ModelSpec) -> None:
    """Conditional models follow labels= and validate it."""
    model = _fresh(spec)
    k = model.num_classes
    labels = [i % k for i in range(4)]
    images = model.sample(4, seed=0, labels=labels)
    expect_images(images, (4, *model.image_shape), f"sample(4, seed=0, labels={labels})")
    expect(torch.equal(images, model.sample(4, seed=0, labels=labels)), "the same seed and labels give other images")
    others = [(i + 1) % k for i in labels]
    expect(not torch.equal(images, model.sample(4, seed=0, labels=others)), "other labels give the same images")
    for bad, error in (
        (labels[:3], ValueError),
        ([k] * 4, ValueError),
        ([-1] * 4, ValueError),
        ([0.5] * 4, TypeError),
    ):
        expect_raises(error, lambda bad=bad: model.sample(4, labels=bad), f"sample(4, labels={bad})")


@_check("devices", _samples)
def check_devices(spec: ModelSpec) -> None:
    """sample(device=...) moves the model; other dtypes and devices give the same float32 images."""
    model = _fresh(spec)
    reference = model.sample(2, seed=0)
    cpu = torch.device("cpu")
    for device in _accelerators():
        images = model.sample(2, seed=0, device=device)
        expect_images(images, reference.shape, f"sample(2, seed=0, device={str(device)!r})", device)
        expect(model.device.type == device.type, f"sample(device={str(device)!r}) left the model on {model.device}")
        expect(torch.allclose(images.cpu(), reference, atol=1e-2), f"seed 0 gives other images on {device}")
    model.sample(1, device=cpu)
    expect(model.device == cpu, f"sample(device='cpu') left the model on {model.device}")
    model.to(torch.float64)
    images = model.sample(2, seed=0)
    expect_images(images, reference.shape, "sample(2, seed=0) of a float64 model", cpu)
    expect(torch.allclose(images, reference, atol=1e-4), "seed 0 gives other images once the model is float64")


@_check("autoencoder", lambda spec: spec.family == "autoencoder")
def check_autoencoder(spec: ModelSpec) -> None:
    """encode, decode, reconstruct and interpolate give codes and images in [0, 1] and refuse bad input."""
    model = _fresh(spec)
    for method in ("encode", "decode", "reconstruct", "interpolate"):
        expect(callable(getattr(model, method, None)), f"an autoencoder must have {method}()")
    built = architecture(model)
    n, shape = 3, built.image_shape
    x = example_images(shape, n)
    conditioning = {"labels": [0, 1, 2]} if built.conditional else {}
    pair = {"labels": [0, 1]} if built.conditional else {}
    z = model.encode(x, **conditioning)
    codes = isinstance(z, torch.Tensor) and z.dim() == 2 and z.shape[0] == n
    expect(codes, f"encode(x) of {n} images must give a tensor (n, latent_dim)")
    if built.latent_dim is not None:
        expect(z.shape[1] == built.latent_dim, f"encode(x) gave codes of size {z.shape[1]}, not its latent_dim {built.latent_dim}")
    expect(torch.isfinite(z).all(), "encode(x) contains NaN or Inf")
    expect_images(model.decode(z, **conditioning), (n, *shape), "decode(encode(x))")
    expect_images(model.reconstruct(x, **conditioning), (n, *shape), "reconstruct(x)")
    expect_images(model.interpolate(x[0:1], x[1:2], steps=4, **pair), (4, *shape), "interpolate(a, b, steps=4)")
    wrong = torch.zeros(n, shape[0], shape[1] + 2, shape[2])
    for method in ("encode", "reconstruct"):
        call = getattr(model, method)
        expect_raises(TypeError, lambda: call("not images", **conditioning), f"{method}('not images')")
        expect_raises(ValueError, lambda: call(wrong, **conditioning), f"{method}(images of shape {tuple(wrong.shape)})")
    expect_raises(TypeError, lambda: model.decode("not a code", **conditioning), "decode('not a code')")
    short = z[:, :-1]
    expect_raises(ValueError, lambda: model.decode(short, **conditioning), f"decode(codes of shape {tuple(short.shape)})")
    expect_raises(ValueError, lambda: model.interpolate(x[0:2], x[1:2], **pair), "interpolate(a batch of 2 images, b)")
    if _samples(spec):
        drawn = model.decode(model.prior_codes(n, seed=5), **conditioning)
        expect(
            torch.allclose(model.sample(n, seed=5, **conditioning), drawn, atol=1e-5),
            "sample(n, seed=s) must equal decode(prior_codes(n, seed=s)): sample, `zoo interpolate` and the bench "
            "draw codes through draw_codes(); override draw_codes(), not generate(), to change the prior",
        )


@_check("translation", lambda spec: spec.family == "translation")
def check_translation(spec: ModelSpec) -> None:
    """inputs_from(images) gives inputs in [0, 1], reproducibly from a seed; translate(inputs) gives one image
    of the dataset's shape in [0, 1] per input; both refuse bad input."""
    model = _fresh(spec)
    expect(callable(getattr(model, "translate", None)), "a translation model must have translate()")
    expect(callable(getattr(model, "inputs_from", None)), "a translation model must have inputs_from()")
    n, shape = 3, model.dataset_shape
    inputs = model.inputs_from(example_images(shape, n), seed=0)
    expect_images(inputs, (n, *model.input_shape), "inputs_from(images)")
    expect(torch.equal(inputs, model.inputs_from(example_images(shape, n), seed=0)),
           "inputs_from(images, seed=s) must give the same inputs for the same seed")
    out = model.translate(inputs)
    expect_images(out, (n, *shape), "translate(inputs_from(images))")
    expect_raises(TypeError, lambda: model.translate("not images"), "translate('not images')")
    expect_raises(TypeError, lambda: model.inputs_from("not images"), "inputs_from('not images')")
    channels, height, width = model.input_shape
    wrong = torch.zeros(n, channels, height + 2, width)
    expect_raises(ValueError, lambda: model.translate(wrong), f"translate(images of shape {tuple(wrong.shape)})")


@_check("classifier", lambda spec: spec.family == "classifier")
def check_classifier(spec: ModelSpec) -> None:
    """model(images) gives finite (n, classes) logits, also in float64; bad images are refused."""
    model = _fresh(spec)
    n, shape = 3, model.image_shape
    x = example_images(shape, n)
    logits = model(x)
    expect(isinstance(logits, torch.Tensor) and logits.dim() == 2, "model(images) must give a (n, classes) tensor")
    expect(logits.shape[0] == n and logits.shape[1] >= 2, f"model(images) of {n} images gave {tuple(logits.shape)}")
    expect(logits.is_floating_point() and torch.isfinite(logits).all(), "logits must be finite floats")
    expect(model.to(torch.float64)(x).shape == logits.shape, "a float64 model gives logits of another shape")
    expect_raises(TypeError, lambda: model("not images"), "model('not images')")
    wrong = torch.zeros(n, shape[0], shape[1] + 2, shape[2])
    expect_raises(ValueError, lambda: model(wrong), f"model(images of shape {tuple(wrong.shape)})")


@_check("weights", lambda spec: spec.pins is not None, published=True)
def check_weights(spec: ModelSpec) -> None:
    """The pinned weights load with zoo.load and work; a tampered copy is refused with ChecksumError."""
    from zoo.hub import resolve as hub

    model = load(spec.name)
    _check_outputs(spec, model, f"zoo.load({spec.name!r})")
    pins = spec.pins
    good = hub.fetch(spec.name).path.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        tampered = Path(tmp) / pins.repo / pins.weights
        tampered.parent.mkdir(parents=True)
        tampered.write_bytes(good[:-1] + bytes([good[-1] ^ 0xFF]))
        with _environ(ZOO_HUB=tmp):
            expect_raises(ChecksumError, lambda: load(spec.name), "zoo.load() of a tampered weights file")


def _make_recipe(spec: ModelSpec, data: ImageData | None = None) -> Recipe:
    """A recipe for tiny batches; prepared with ``data`` like a new run (none: as if resumed)."""
    steps = TINY_DATA // TINY_BATCH
    recipe = spec.recipe_class()(spec, dict(spec.config), tiny_hparams(spec), torch.device("cpu"), steps)
    if data is not None:
        recipe.prepare(data)
    return recipe


def _parameters(module: nn.Module) -> dict[str, torch.Tensor]:
    return {name: p.detach().clone() for name, p in module.named_parameters()}


def _moved(before: dict[str, torch.Tensor], module: nn.Module) -> bool:
    return any(not torch.equal(before[name], p) for name, p in module.named_parameters())


def _same_state(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def _expect_losses(losses: Any, step: int) -> None:
    expect(isinstance(losses, dict) and losses, f"train_step must return a dict of losses, got {losses!r}")
    for key, value in losses.items():
        number = isinstance(value, (float, int)) and not isinstance(value, bool)
        expect(number, f"loss {key!r} is {type(value).__name__}, not a float")
        expect(torch.isfinite(torch.tensor(float(value))), f"loss {key!r} is {value} at step {step}")


def _roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    """A recipe state through torch.save and a weights-only load, as the Trainer checkpoints it."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


@_check("train-step", lambda spec: spec.recipe is not None)
def check_train_step(spec: ModelSpec) -> None:
    """Recipe steps on tiny data give finite float losses, train every module, export and resume exactly.

    Steps run until every trainable module has moved (at most one pass over
    the tiny data, so a generator may wait for several critic steps).
    """
    data = tiny_data(spec)
    recipe = _make_recipe(spec, data)
    modules = recipe.trainable_modules()
    expect(modules, "the recipe holds no module with trainable parameters")
    before = {name: _parameters(module) for name, module in modules.items()}
    batches = list(zip(data.images.split(TINY_BATCH), data.labels.split(TINY_BATCH)))
    still = set(modules)
    for step, (images, labels) in enumerate(batches[:-1], start=1):
        _expect_losses(recipe.train_step(images, labels), step)
        still = {name for name in still if not _moved(before[name], modules[name])}
        if not still:
            break
    stuck = ", ".join(f"recipe.{name}" for name in sorted(still))
    expect(not still, f"{step} training steps left the parameters of {stuck} unchanged")
    instantiate(spec).load_state_dict(recipe.export_model().state_dict(), strict=True)

    resumed = _make_recipe(spec)
    resumed.load_state_dict(_roundtrip(recipe.state_dict()))
    rng = torch.get_rng_state()
    losses = recipe.train_step(*batches[-1])
    torch.set_rng_state(rng)
    same = resumed.train_step(*batches[-1]) == losses
    expect(same, "a recipe restored from state_dict() takes another step than the original")
    for name in modules:
        expect(
            _same_state(modules[name], getattr(resumed, name)),
            f"after one step, recipe.{name} differs between the original and a recipe restored from state_dict()",
        )


@_check("trainer", lambda spec: spec.recipe is not None)
def check_trainer(spec: ModelSpec) -> None:
    """zoo.train.trainer.Trainer runs an epoch on tiny data, steps each learning-rate schedule once
    per train step, and its run folder loads with zoo.load."""
    with tempfile.TemporaryDirectory() as tmp:
        hparams = tiny_hparams(spec, TRAINER_BATCH)
        trainer = Trainer(spec, Path(tmp) / "run", data=tiny_data(spec), hparams=hparams, progress=False)
        run = trainer.run()
        steps = hparams["epochs"] * trainer.steps_per_epoch
        for name, state in load_checkpoint(run / CHECKPOINT)["recipe"].items():
            if "last_epoch" in state and "base_lrs" in state:
                expect(state["last_epoch"] == steps, f"the learning-rate schedule {name!r} advanced "
                       f"{state['last_epoch']} times in {steps} train steps; the trainer steps every "
                       "schedule once per train step, so a recipe must not step it itself")
        model = load(run)
        expect(not model.training, "zoo.load(run folder) gave a model in training mode")
        _check_outputs(spec, model, "zoo.load(run folder)")


try:
    import pytest
except ImportError:  # the conformance checks work without pytest; the fixture needs it
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture
    def hub_server(tmp_path: Path) -> Iterator[Any]:
        """A running local hub (``zoo.hub.local_server.HubServer``) over ``tmp_path/hub-server``; its
        ``url`` is the ``HF_ENDPOINT`` to push to, search and download from. Shut down after the test."""
        from zoo.hub.local_server import HubServer

        server = HubServer(tmp_path / "hub-server")
        try:
            yield server
        finally:
            server.close()
