"""A real-data run killed mid-epoch and resumed in a new process ends bit for bit where an
uninterrupted run ends, although the resumed process builds its probe's judge at another time."""
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
# Batches of 512: the same images, a quarter less time than batches of 128 (fewer steps and checkpoints).
EPOCHS, BATCH, PER_EPOCH = 3, 512, 60000 // 512


def train(out: Path, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "zoo.cli", "train", "dae-mnist", "--data", str(MNIST_ROOT), "--out", str(out),
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
    straight = train(tmp_path / "straight")
    killed = train(tmp_path / "killed", "--checkpoint-every", "40")
    step = kill_in_second_epoch(killed, tmp_path / "killed" / CHECKPOINT)
    assert step % 40 == 0
    resumed = train(tmp_path / "killed", "--resume")
    for process in (straight, resumed):
        assert process.wait(timeout=600) == 0, process.stderr.read()[-2000:]
    want, got = (load_file(tmp_path / run / "model.safetensors") for run in ("straight", "killed"))
    assert want.keys() == got.keys()
    assert all(torch.equal(want[key], got[key]) for key in want)
