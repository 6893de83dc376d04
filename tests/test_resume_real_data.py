"""A real-data run killed mid-epoch and resumed in a new process ends bit for bit where an
uninterrupted run ends, although the resumed process builds its probe's judge at another time.

The runs read the first 10240 real MNIST training digits, a sixth of the split: the judge, the
checkpoints and the kill are those of a full run, the epochs shorter."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch
from safetensors.torch import load_file

from zoo.train.state import load_checkpoint
from zoo.train.trainer import CHECKPOINT

from conftest import MNIST_ROOT, needs_mnist

# Three epochs: the resumed process builds its probe's judge after the second and trains on in the third.
# 80 steps an epoch: a checkpoint every 20 steps leaves three inside the second epoch to kill the run at.
EPOCHS, BATCH, IMAGES = 3, 128, 10240
PER_EPOCH, EVERY = IMAGES // BATCH, 20


def first_training_digits(root: Path, count: int) -> Path:
    """A dataset root whose MNIST training split is the first ``count`` real digits (the test split is whole)."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    source = MNIST_ROOT / "MNIST" / "raw"
    for name, header, size in (("images-idx3", 16, 28 * 28), ("labels-idx1", 8, 1)):
        data = (source / f"train-{name}-ubyte").read_bytes()
        head = data[:4] + count.to_bytes(4, "big") + data[8:header]  # the item count follows the magic number
        (raw / f"train-{name}-ubyte").write_bytes(head + data[header : header + count * size])
        (raw / f"t10k-{name}-ubyte").symlink_to(source / f"t10k-{name}-ubyte")
    return root


def train(data: Path, out: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "zoo.cli", "train", "dae-mnist", "--data", str(data), "--out", str(out),
               "--epochs", str(EPOCHS), "--batch-size", str(BATCH), "--seed", "1", *extra]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def kill_in_second_epoch(process: subprocess.Popen, checkpoint: Path) -> int:
    """SIGKILL ``process`` as soon as it has checkpointed inside its second epoch; the step it reached."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if checkpoint.is_file():
            step = load_checkpoint(checkpoint)["step"]
            if PER_EPOCH < step < 2 * PER_EPOCH:
                process.send_signal(signal.SIGKILL)
                process.wait()
                return step
        time.sleep(0.02)
    raise AssertionError(f"the run was not caught inside its second epoch: {process.communicate()[1][-2000:]}")


@needs_mnist
def test_a_run_killed_mid_epoch_resumes_bit_for_bit(tmp_path: Path) -> None:
    data = first_training_digits(tmp_path / "data", IMAGES)
    straight = train(data, tmp_path / "straight")
    killed = train(data, tmp_path / "killed", "--checkpoint-every", str(EVERY))
    step = kill_in_second_epoch(killed, tmp_path / "killed" / CHECKPOINT)
    assert step % EVERY == 0
    resumed = train(data, tmp_path / "killed", "--resume")
    for process in (straight, resumed):
        assert process.wait(timeout=600) == 0, process.stderr.read()[-2000:]
    want, got = (load_file(tmp_path / run / "model.safetensors") for run in ("straight", "killed"))
    assert want.keys() == got.keys()
    assert all(torch.equal(want[key], got[key]) for key in want)
