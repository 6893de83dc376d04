"""The trainer: exact resume, atomic checkpoints, divergence, logs and plots, DDP under torchrun,
mixed precision and torch.compile (CUDA only)."""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from conftest import REPO_ROOT
from toy_plugin import SPEC as TOY
from zoo.models.noise import SampleNoise
from zoo.train import distributed
from zoo.train.state import load_checkpoint
from zoo.cli import main
from zoo_plugins.crosses.data import crosses
from zoo.errors import ZooError
from zoo.core.registry import get_spec
from zoo.core.threads import one_thread
from zoo.train.trainer import Trainer, TrainingDiverged, TrainingStopped
from zoo_plugins.dcgan.recipe import DCGANRecipe

TESTS = Path(__file__).resolve().parent
TINY_GAN = {"latent_dim": 8, "width": 8}
# 8 steps per epoch on 256 crosses; constant learning rates (no decay), so a run
# extended with a larger --epochs matches one that was planned that long
HPARAMS = {"epochs": 2, "batch_size": 32, "decay_from": 1.0}
STEPS_PER_EPOCH = 8


@contextlib.contextmanager
def deterministic_cpu():
    """Deterministic kernels, on one thread (these models are tiny; a shared CPU makes threads slow)."""
    previous = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    try:
        with one_thread():
            yield
    finally:
        torch.use_deterministic_algorithms(previous)


@pytest.fixture(autouse=True)
def deterministic():
    with deterministic_cpu():
        yield


@pytest.fixture(scope="module")
def data():
    return crosses(256, seed=0)[0]


def gan_trainer(out: Path, data, **options) -> Trainer:
    hparams = {**HPARAMS, **options.pop("hparams", {})}
    return Trainer(get_spec("dcgan-mnist"), out, data=data, hparams=hparams, model_config=TINY_GAN,
                   progress=False, **options)


@pytest.fixture(scope="module")
def straight(tmp_path_factory, data) -> Path:
    """Two epochs in one go: the reference every interrupted run must reproduce."""
    with deterministic_cpu():
        return gan_trainer(tmp_path_factory.mktemp("straight"), data).run()


@pytest.fixture(scope="module")
def straight_contiguous(tmp_path_factory, data) -> Path:
    """The same two epochs in the contiguous layout, as every run before channels-last trained."""
    with deterministic_cpu():
        return gan_trainer(tmp_path_factory.mktemp("contiguous"), data, memory_format="contiguous").run()


def weights(run: Path) -> dict[str, torch.Tensor]:
    return load_file(str(run / "model.safetensors"))


def assert_same_training_state(run: Path, reference: Path) -> None:
    got, want = load_checkpoint(run / "checkpoints/last.pt"), load_checkpoint(reference / "checkpoints/last.pt")
    assert weights(run).keys() == weights(reference).keys()
    for key, value in weights(reference).items():
        assert torch.equal(weights(run)[key], value), key
    for part in ("generator", "discriminator", "ema"):
        for key, value in want["recipe"][part].items():
            assert torch.equal(got["recipe"][part][key], value), f"{part}.{key}"
    for part in ("opt_g", "opt_d"):
        for index, slot in want["recipe"][part]["state"].items():
            for key, value in slot.items():
                assert torch.equal(got["recipe"][part]["state"][index][key], value), f"{part}[{index}].{key}"
    assert torch.equal(got["rng"], want["rng"])
    assert (got["epoch"], got["batch"], got["step"]) == (want["epoch"], want["batch"], want["step"])


def stop_at(monkeypatch, calls: int, action) -> None:
    """Make DCGANRecipe.train_step call ``action()`` on its ``calls``-th call in this test."""
    original = DCGANRecipe.train_step
    count = {"n": 0}

    def train_step(self, images, labels):
        count["n"] += 1
        if count["n"] == calls:
            return action(self, original, images, labels)
        return original(self, images, labels)

    monkeypatch.setattr(DCGANRecipe, "train_step", train_step)


def interrupt(self, original, images, labels):
    raise KeyboardInterrupt


# -- trust ---------------------------------------------------------------------------------


@pytest.mark.parametrize("checkpoint_every", [None, 3])
def test_interrupted_and_resumed_run_matches_straight_run(tmp_path, data, straight, monkeypatch, checkpoint_every):
    """A kill in epoch 2 (at step 14) and --resume give bit-identical weights, optimisers and RNG;
    with checkpoint_every=3 it resumes mid-epoch from step 12, otherwise from the end of epoch 1."""
    stop_at(monkeypatch, STEPS_PER_EPOCH + 6, interrupt)
    with pytest.raises(KeyboardInterrupt):
        gan_trainer(tmp_path, data, checkpoint_every=checkpoint_every).run()
    saved = load_checkpoint(tmp_path / "checkpoints/last.pt")
    assert (saved["epoch"], saved["batch"], saved["step"]) == ((1, 4, 12) if checkpoint_every else (1, 0, 8))
    monkeypatch.undo()

    gan_trainer(tmp_path, data, checkpoint_every=checkpoint_every).run(resume=True)
    assert_same_training_state(tmp_path, straight)
    epochs = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    reference = [json.loads(line) for line in (straight / "log.jsonl").read_text().splitlines()]
    assert [(r["epoch"], r["loss_d"], r["loss_g"]) for r in epochs] == [
        (r["epoch"], r["loss_d"], r["loss_g"]) for r in reference
    ]


def test_sigterm_checkpoints_at_the_next_step_and_resumes_exactly(tmp_path, data, straight, monkeypatch):
    def terminate(self, original, images, labels):
        os.kill(os.getpid(), signal.SIGTERM)
        return original(self, images, labels)

    stop_at(monkeypatch, 11, terminate)
    with pytest.raises(TrainingStopped, match="step 11"):
        gan_trainer(tmp_path, data).run()
    saved = load_checkpoint(tmp_path / "checkpoints/last.pt")
    assert (saved["epoch"], saved["batch"], saved["step"]) == (1, 3, 11)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    monkeypatch.undo()
    gan_trainer(tmp_path, data).run(resume=True)
    assert_same_training_state(tmp_path, straight)


def test_ctrl_c_checkpoints_at_the_next_step_and_resumes_exactly(tmp_path, data, straight, monkeypatch):
    def press_ctrl_c(self, original, images, labels):
        os.kill(os.getpid(), signal.SIGINT)
        return original(self, images, labels)

    inherited = signal.getsignal(signal.SIGINT)  # default, or ignored in a background job
    stop_at(monkeypatch, 11, press_ctrl_c)
    with pytest.raises(TrainingStopped, match="step 11") as stopped:
        gan_trainer(tmp_path, data).run()
    assert stopped.value.signum == signal.SIGINT
    assert load_checkpoint(tmp_path / "checkpoints/last.pt")["step"] == 11
    assert signal.getsignal(signal.SIGINT) is inherited
    monkeypatch.undo()
    gan_trainer(tmp_path, data).run(resume=True)
    assert_same_training_state(tmp_path, straight)


def test_a_second_ctrl_c_interrupts_at_once(tmp_path, data, monkeypatch):
    """Pressed twice within a step, Ctrl-C does not wait for the step's end or its checkpoint."""
    def press_ctrl_c_twice(self, original, images, labels):
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)
        return original(self, images, labels)

    inherited = signal.getsignal(signal.SIGINT)  # default, or ignored in a background job
    stop_at(monkeypatch, 11, press_ctrl_c_twice)
    with pytest.raises(KeyboardInterrupt):
        gan_trainer(tmp_path, data).run()
    assert load_checkpoint(tmp_path / "checkpoints/last.pt")["step"] == 8  # the end of epoch 1, not step 11
    assert signal.getsignal(signal.SIGINT) is inherited


def test_a_checkpoint_write_killed_halfway_leaves_the_previous_one(tmp_path, data, straight, monkeypatch):
    import zoo.train.state

    real_save = torch.save

    def torn_save(obj, handle):
        if obj["epoch"] == 2:
            handle.write(b"half a checkpoint")
            raise KeyboardInterrupt
        real_save(obj, handle)

    monkeypatch.setattr(zoo.train.state.torch, "save", torn_save)
    with pytest.raises(KeyboardInterrupt):
        gan_trainer(tmp_path, data).run()
    assert load_checkpoint(tmp_path / "checkpoints/last.pt")["epoch"] == 1
    monkeypatch.undo()
    gan_trainer(tmp_path, data).run(resume=True)
    assert_same_training_state(tmp_path, straight)


def test_checkpoint_of_the_previous_format_still_resumes(tmp_path, data, straight_contiguous):
    """Checkpoints written before format 2 hold recipe, rng, epoch, hparams and wall time only;
    the seed and model config come from the run folder's config.json."""
    gan_trainer(tmp_path, data, hparams={"epochs": 1}, memory_format="contiguous").run()
    path = tmp_path / "checkpoints/last.pt"
    state = load_checkpoint(path)
    kept = {key: state[key] for key in ("recipe", "rng", "epoch", "wall_time_s")}
    torch.save({**kept, "hparams": state["settings"]["hparams"]}, path)
    Trainer(get_spec("dcgan-mnist"), tmp_path, data=data, hparams={"epochs": 2}, progress=False).run(resume=True)
    for key, value in weights(straight_contiguous).items():
        assert torch.equal(weights(tmp_path)[key], value), key


def test_run_started_before_a_recipe_gained_a_hyperparameter_resumes_with_its_default(tmp_path, data, straight):
    gan_trainer(tmp_path, data, hparams={"epochs": 1}).run()
    path = tmp_path / "checkpoints/last.pt"
    state = load_checkpoint(path)
    assert state["settings"]["hparams"].pop("ema_decay") == DCGANRecipe.defaults["ema_decay"]
    torch.save(state, path)
    gan_trainer(tmp_path, data, hparams={"ema_decay": DCGANRecipe.defaults["ema_decay"]}).run(resume=True)
    for key, value in weights(straight).items():
        assert torch.equal(weights(tmp_path)[key], value), key


def test_resume_keeps_the_runs_settings_and_refuses_conflicting_ones(tmp_path, data):
    gan_trainer(tmp_path, data, hparams={"epochs": 1}, seed=5).run()
    with pytest.raises(ZooError, match="already holds a run"):
        gan_trainer(tmp_path, data, hparams={"epochs": 1}).run()
    with pytest.raises(ZooError, match=r"batch_size=16 \(the run has 32\)"):
        gan_trainer(tmp_path, data, hparams={"batch_size": 16}).run(resume=True)
    with pytest.raises(ZooError, match=r"seed=0 \(the run has seed=5\)"):
        gan_trainer(tmp_path, data, seed=0).run(resume=True)
    trainer = Trainer(get_spec("dcgan-mnist"), tmp_path, data=data, hparams={"epochs": 2}, progress=False)
    trainer.run(resume=True)
    assert (trainer.settings.seed, trainer.settings.model_config["width"], trainer.settings.hparams["batch_size"]) == (5, 8, 32)
    assert load_checkpoint(tmp_path / "checkpoints/last.pt")["epoch"] == 2


def test_channels_last_is_the_cpu_default_and_trains_as_contiguous_does(tmp_path, data, straight,
                                                                      straight_contiguous, monkeypatch):
    layouts: list[bool] = []
    original = DCGANRecipe.train_step

    def train_step(self, images, labels):
        kernels = [p for p in self.discriminator.parameters() if p.dim() == 4]
        layouts.append(not all(p.is_contiguous() for p in kernels))  # channels-last strides
        return original(self, images, labels)

    monkeypatch.setattr(DCGANRecipe, "train_step", train_step)
    gan_trainer(tmp_path / "default", data, hparams={"epochs": 1}).run()
    assert layouts and all(layouts)
    layouts.clear()
    gan_trainer(tmp_path / "contiguous", data, hparams={"epochs": 1}, memory_format="contiguous").run()
    assert layouts and not any(layouts)
    assert load_checkpoint(straight / "checkpoints/last.pt")["settings"]["memory_format"] == "channels-last"
    assert load_checkpoint(straight_contiguous / "checkpoints/last.pt")["settings"]["memory_format"] == "contiguous"
    assert json.loads((straight / "config.json").read_text())["training"]["memory_format"] == "channels-last"
    # The same arithmetic summed in another order: Adam's sign-like early steps grow the rounding
    # differences over 16 steps to about 1% of a tensor's range; a layout bug would scramble it.
    for key, value in weights(straight).items():
        scale = value.abs().max().item()
        torch.testing.assert_close(weights(straight_contiguous)[key], value, rtol=0, atol=0.02 * scale, msg=key)
    with pytest.raises(ZooError, match="memory_format must be one of contiguous, channels-last"):
        gan_trainer(tmp_path / "bad", data, memory_format="nhwc")


def test_a_run_from_before_the_memory_format_setting_resumes_contiguous(tmp_path, data):
    gan_trainer(tmp_path, data, hparams={"epochs": 1}, memory_format="contiguous").run()
    saved = load_checkpoint(tmp_path / "checkpoints/last.pt")
    legacy = {**{key: value for key, value in saved.pop("settings").items() if key != "memory_format"}, **saved}
    torch.save({**legacy, "format": 2}, tmp_path / "checkpoints/last.pt")  # settings as top-level entries
    trainer = gan_trainer(tmp_path, data, hparams={"epochs": 2})
    trainer.run(resume=True)
    assert trainer.settings.memory_format == "contiguous"


def test_nan_loss_stops_naming_the_step_and_keeps_the_last_checkpoint(tmp_path, data, monkeypatch):
    def diverge(self, original, images, labels):
        return {**original(self, images, labels), "loss_g": float("nan")}

    stop_at(monkeypatch, STEPS_PER_EPOCH + 3, diverge)
    with pytest.raises(TrainingDiverged) as caught:
        gan_trainer(tmp_path, data).run()
    message = str(caught.value)
    assert "loss_g became nan at step 11 (epoch 2, batch 3/8)" in message
    assert str(tmp_path / "checkpoints" / "last.pt") in message
    assert load_checkpoint(tmp_path / "checkpoints/last.pt")["step"] == STEPS_PER_EPOCH
    assert not list((tmp_path / "checkpoints").glob("*.tmp"))


def test_run_folder_holds_logs_loss_plot_and_sample_grids(tmp_path, data, capsys):
    gan_trainer(tmp_path, data).run()
    epochs = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in epochs] == [1, 2]
    assert all({"loss_d", "loss_g", "step", "wall_time_s"} <= r.keys() for r in epochs)
    assert not any("class_coverage" in r for r in epochs)
    trace = [json.loads(line) for line in (tmp_path / "steps.jsonl").read_text().splitlines()]
    assert [r["step"] for r in trace] == list(range(1, 17))
    with Image.open(tmp_path / "losses.png") as plot:
        assert plot.size == (900, 480)
    assert sorted(p.name for p in (tmp_path / "samples").iterdir()) == ["epoch_001.png", "epoch_002.png"]
    assert capsys.readouterr().err.count("class coverage, KL to uniform and confident fraction are not measured") == 1


def test_class_coverage_kl_and_confidence_are_logged_when_the_classifier_is_available(tmp_path, data, monkeypatch):
    import zoo
    import zoo.evaluate.quality
    from zoo.hub.load import instantiate

    classifier = instantiate(get_spec("mnist-classifier"), {"width": 4, "features": 16, "classes": 10}).eval()
    monkeypatch.setattr(zoo.evaluate.quality, "load_evaluator", lambda dataset, device=None: classifier)
    gan_trainer(tmp_path, data, hparams={"epochs": 1}, dataset="mnist").run()
    record = json.loads((tmp_path / "log.jsonl").read_text())
    probs, _ = zoo.evaluate.quality.classify(classifier, zoo.load(tmp_path).sample(1000, seed=0))
    assert {key: record[key] for key in ("class_coverage", "kl_to_uniform", "confident_fraction")} == zoo.evaluate.quality.class_stats(probs)


def test_trainable_modules_are_the_trained_networks_not_the_ema_copy():
    recipe = DCGANRecipe(get_spec("dcgan-mnist"), {**get_spec("dcgan-mnist").config, **TINY_GAN},
                         DCGANRecipe.defaults, torch.device("cpu"), 1)
    assert list(recipe.trainable_modules()) == ["generator", "discriminator"]


# -- scale ---------------------------------------------------------------------------------


def test_world_comes_from_torchrun_environment(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert distributed.world_from_env() == distributed.World()
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("LOCAL_RANK", "1")
    world = distributed.world_from_env()
    assert (world.rank, world.local_rank, world.size, world.main) == (3, 1, 4, False)
    assert distributed.device_for("cuda", world) == torch.device("cuda", 1)
    assert torch.equal(distributed.shard(torch.arange(8), world), torch.tensor([6, 7]))
    monkeypatch.setenv("RANK", "4")
    with pytest.raises(ZooError, match="does not fit"):
        distributed.world_from_env()


def test_replicated_modules_keep_their_attributes_and_checkpoint_keys(data):
    """DDP wrappers (here in a one-process gloo group) answer the model's attributes, warn on
    methods that bypass gradient averaging, and leave the checkpoint's state dict keys alone."""
    import torch.distributed as dist

    dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    try:
        spec = get_spec("dcgan-mnist")
        recipe = DCGANRecipe(spec, {**spec.config, **TINY_GAN}, DCGANRecipe.defaults, torch.device("cpu"), 1)
        recipe.prepare(data)
        keys = {name: list(state) for name, state in recipe.state_dict().items()}
        for name, module in recipe.trainable_modules().items():
            setattr(recipe, name, distributed.replicate(module, torch.device("cpu")))
        assert isinstance(recipe.generator, distributed.Replicated)
        assert recipe.generator.latent_dim == 8
        assert {name: list(state) for name, state in recipe.state_dict().items()} == keys
        assert set(recipe.train_step(data.images[:8], data.labels[:8])) == {"loss_d", "loss_g"}
        with pytest.warns(UserWarning, match=r"DCGANGenerator.latent_noise\(\) runs outside DistributedDataParallel"):
            recipe.generator.latent_noise(SampleNoise.seeded(0, 2), 8)
    finally:
        dist.destroy_process_group()


def test_global_batch_must_divide_over_the_processes(tmp_path, data, monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "3")
    with pytest.raises(ZooError, match="global batch"):
        gan_trainer(tmp_path, data)


def toy_site(root: Path) -> Path:
    """An installed-looking distribution whose ``zoo`` entry point is tests/toy_plugin."""
    info = root / "toy_zoo-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-zoo\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[zoo]\ntoy = toy_plugin\n", encoding="utf-8")
    return root


def test_two_process_ddp_under_torchrun_matches_one_process(tmp_path):
    """torchrun, 2 CPU processes, gloo: the toy autoencoder (no batch norm, no noise) trained with
    a global batch of 256 ends where one process with the same batch ends, up to float rounding."""
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_PORT")}
    env["PYTHONPATH"] = os.pathsep.join([str(toy_site(tmp_path / "site")), str(TESTS), str(REPO_ROOT)])
    env["OMP_NUM_THREADS"] = "1"
    out = tmp_path / "ddp"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
               "-m", "zoo.cli", "train", "toy-ae", "--epochs", "2", "--batch-size", "256", "--out", str(out)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("trained toy-ae") == 1  # rank 0 alone reports and writes

    single = Trainer(TOY, tmp_path / "single", hparams={"epochs": 2, "batch_size": 256}, progress=False).run()
    got, want = weights(out), weights(single)
    assert got.keys() == want.keys()
    for key in want:
        torch.testing.assert_close(got[key], want[key], rtol=0, atol=1e-5)
    assert [json.loads(line)["epoch"] for line in (out / "log.jsonl").read_text().splitlines()] == [1, 2]
    saved = load_checkpoint(out / "checkpoints/last.pt")
    assert saved["world_size"] == 2 and len(saved["rng_ranks"]) == 2
    assert not torch.equal(saved["rng_ranks"][0]["cpu"], saved["rng_ranks"][1]["cpu"])


# -- precision -----------------------------------------------------------------------------


def watch_toy(monkeypatch) -> tuple[list, list[torch.dtype]]:
    """The toy recipes built in this test, and the dtype of their first layer's output in every forward."""
    from toy_plugin.model import ToyRecipe

    recipes: list = []
    seen: list[torch.dtype] = []
    original = ToyRecipe.setup

    def setup(self):
        original(self)
        recipes.append(self)
        self.model.encoder[1].register_forward_hook(lambda module, args, output: seen.append(output.dtype))

    monkeypatch.setattr(ToyRecipe, "setup", setup)
    return recipes, seen


def test_bf16_autocast_on_cpu(tmp_path, monkeypatch):
    _, seen = watch_toy(monkeypatch)
    Trainer(TOY, tmp_path, hparams={"epochs": 1, "batch_size": 512}, progress=False, precision="bf16").run()
    assert seen and set(seen) == {torch.bfloat16}
    assert load_checkpoint(tmp_path / "checkpoints/last.pt")["settings"]["precision"] == "bf16"


def test_fp16_refuses_a_recipe_that_does_not_scale_its_loss(tmp_path, data, monkeypatch):
    from toy_plugin.model import ToyRecipe

    def unscaled_step(self, images, labels):
        loss = (self.model(images) - images).square().mean()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return {"loss": loss.item()}

    monkeypatch.setattr(ToyRecipe, "train_step", unscaled_step)
    with pytest.raises(ZooError, match="Recipe.backward"):
        Trainer(TOY, tmp_path, data=data, hparams={"epochs": 1}, precision="fp16", progress=False).run()


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


@cuda
@pytest.mark.parametrize("precision", ["bf16", "fp16"])
@pytest.mark.parametrize("compiled", [False, True])
def test_mixed_precision_and_compile_on_cuda(tmp_path, monkeypatch, precision, compiled):
    recipes, seen = watch_toy(monkeypatch)
    options = dict(hparams={"epochs": 1, "batch_size": 256}, device="cuda", progress=False,
                   precision=precision, compile_modules=compiled)
    Trainer(TOY, tmp_path, **options).run()
    if compiled:  # hooks inside a compiled graph need not run in Python; the module must be compiled
        assert recipes[0].model._compiled_call_impl is not None
    else:
        assert seen and set(seen) == {torch.bfloat16 if precision == "bf16" else torch.float16}
    saved = load_checkpoint(tmp_path / "checkpoints/last.pt")
    assert (saved["scaler"] is not None) == (precision == "fp16")
    assert saved["rng_ranks"][0]["cuda"] is not None
    first = json.loads((tmp_path / "log.jsonl").read_text())["loss"]
    Trainer(TOY, tmp_path, **{**options, "hparams": {"epochs": 2}}).run(resume=True)
    last = json.loads((tmp_path / "log.jsonl").read_text().splitlines()[-1])["loss"]
    assert last < first


@cuda
def test_cuda_resume_is_exact(tmp_path):
    options = dict(device="cuda", progress=False)
    Trainer(TOY, tmp_path / "a", hparams={"epochs": 2, "batch_size": 256}, **options).run()
    Trainer(TOY, tmp_path / "b", hparams={"epochs": 1, "batch_size": 256}, **options).run()
    Trainer(TOY, tmp_path / "b", hparams={"epochs": 2}, **options).run(resume=True)
    for key, value in weights(tmp_path / "a").items():
        assert torch.equal(weights(tmp_path / "b")[key], value), key


def write_tiny_mnist(root: Path, count: int = 64) -> None:
    """``count`` random digits in torchvision's MNIST layout (IDX files under MNIST/raw)."""
    import struct

    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    pixels = torch.randint(0, 256, (count, 28, 28), generator=torch.Generator().manual_seed(0), dtype=torch.uint8)
    labels = torch.arange(count, dtype=torch.uint8) % 10
    for split in ("train", "t10k"):
        (raw / f"{split}-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 2051, count, 28, 28) + pixels.numpy().tobytes())
        (raw / f"{split}-labels-idx1-ubyte").write_bytes(struct.pack(">II", 2049, count) + labels.numpy().tobytes())


def test_resume_remembers_the_dataset_root(tmp_path, monkeypatch):
    root, out = tmp_path / "my-data", tmp_path / "run"
    write_tiny_mnist(root)
    args = ["train", "gan-mnist", "--out", str(out), "--batch-size", "32"]
    assert main([*args, "--data", str(root), "--epochs", "1"]) == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # ./data (the default root) does not exist here
    monkeypatch.delenv("ZOO_DATA", raising=False)
    assert main([*args, "--epochs", "2", "--resume"]) == 0
    assert json.loads((out / "config.json").read_text())["training"]["epochs"] == 2


def test_the_classifier_recipe_mirrors_half_the_images_when_asked():
    from zoo_plugins.classifier.recipe import random_flip

    torch.manual_seed(0)
    images = torch.rand(2000, 1, 4, 4)
    mirrored = random_flip(images)
    same = (mirrored == images).flatten(1).all(1)
    flipped = (mirrored == images.flip(3)).flatten(1).all(1)
    assert bool((same | flipped).all())
    assert 0.4 < flipped.float().mean().item() < 0.6
