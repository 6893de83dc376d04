"""Training faults refused cleanly with nothing lost: two runs in one folder, weights that
diverge while the losses stay finite, and a full disk during a checkpoint."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from conftest import REPO_ROOT
from test_training import STEPS_PER_EPOCH, assert_same_training_state, gan_trainer, stop_at
from test_training import data, deterministic, straight  # noqa: F401 - fixtures (deterministic is autouse)
from zoo.train.state import load_checkpoint
from zoo.cli import main
from zoo.core.files import DiskFull, temporary_path
from zoo.train.runlock import RunFolderBusy, run_lock
from zoo.train.trainer import TrainingDiverged


def leftovers(run: Path) -> list[Path]:
    return [path for path in run.rglob("*") if ".tmp" in path.name]


# -- two runs into one folder ------------------------------------------------------------


def hold_lock(folder: Path) -> subprocess.Popen:
    """Another process that holds the run folder's lock until it is killed."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from zoo.train.runlock import run_lock
        with run_lock(Path({str(folder)!r})):
            print("locked", flush=True)
            time.sleep(120)
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_run_into_a_busy_folder_exits_2_naming_the_holder_and_leaves_the_run_alone(tmp_path, data, capsys):
    run = tmp_path / "run"
    gan_trainer(run, data, hparams={"epochs": 1}).run()
    before = {name: (run / name).read_bytes() for name in ("checkpoints/last.pt", "steps.jsonl", "log.jsonl")}
    holder = hold_lock(run)
    capsys.readouterr()
    try:
        code = main(["train", "dcgan-mnist", "--dataset", "crosses", "--out", str(run), "--resume", "--epochs", "2"])
        err = capsys.readouterr().err
        assert code == 2
        assert err.count("\n") == 1 and "Traceback" not in err
        assert str(run) in err and f"process {holder.pid}" in err
        with pytest.raises(RunFolderBusy):
            gan_trainer(run, data).run(resume=True)
        assert {name: (run / name).read_bytes() for name in before} == before
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # a crash: the lock must not outlive it
        holder.wait()
    gan_trainer(run, data).run(resume=True)
    assert load_checkpoint(run / "checkpoints/last.pt")["epoch"] == 2


def test_the_lock_is_released_when_a_run_ends_or_fails(tmp_path, data):
    gan_trainer(tmp_path, data, hparams={"epochs": 1}).run()
    with pytest.raises(Exception, match="already holds a run"):
        gan_trainer(tmp_path, data).run()
    with run_lock(tmp_path):
        pass


def test_temporary_files_have_unique_names_and_a_killed_writers_are_cleared(tmp_path, data):
    target = tmp_path / "checkpoints" / "last.pt"
    names = {temporary_path(target) for _ in range(20)}
    assert len(names) == 20 and all(name.name.startswith("last.pt.") for name in names)
    gan_trainer(tmp_path, data, hparams={"epochs": 1}).run()
    for name in list(names)[:2]:
        name.write_bytes(b"left by a killed run")
    gan_trainer(tmp_path, data).run(resume=True)
    assert not leftovers(tmp_path)


# -- divergence that the losses do not show -----------------------------------------------


def test_huge_learning_rates_stop_on_non_finite_buffers_and_write_no_weights(tmp_path, data):
    """lr 1e9: the losses stay finite (about 1e20) but batch-norm statistics overflow."""
    trainer = gan_trainer(tmp_path, data, hparams={"epochs": 1, "lr_g": 1e9, "lr_d": 1e9})
    with pytest.raises(TrainingDiverged, match=r"running_var holds NaN or Inf after step 8; .*no checkpoint"):
        trainer.run()
    assert not (tmp_path / "model.safetensors").exists()
    assert not (tmp_path / "checkpoints" / "last.pt").exists()


def poison_buffer(self, original, images, labels):
    losses = original(self, images, labels)
    next(b for name, b in self.discriminator.named_buffers() if name.endswith("running_var")).fill_(float("inf"))
    return losses


@pytest.mark.parametrize(("checkpoint_every", "kept_step"), [(None, STEPS_PER_EPOCH), (3, 9)])
def test_non_finite_weights_keep_the_last_good_checkpoint_and_model(tmp_path, data, monkeypatch, checkpoint_every, kept_step):
    """A buffer poisoned at step 10 is caught at the next checkpoint (step 12, or the epoch end at 16)."""
    gan_trainer(tmp_path, data, hparams={"epochs": 1}, checkpoint_every=checkpoint_every).run()
    good = (tmp_path / "model.safetensors").read_bytes()
    stop_at(monkeypatch, 2, poison_buffer)
    trainer = gan_trainer(tmp_path, data, checkpoint_every=checkpoint_every)
    with pytest.raises(TrainingDiverged, match=r"discriminator\..*running_var holds NaN or Inf") as caught:
        trainer.run(resume=True)
    assert str(tmp_path / "checkpoints" / "last.pt") in str(caught.value)
    saved = load_checkpoint(tmp_path / "checkpoints/last.pt")
    assert saved["step"] == kept_step
    assert all(torch.isfinite(value).all() for value in saved["recipe"]["discriminator"].values())
    assert (tmp_path / "model.safetensors").read_bytes() == good
    assert all(torch.isfinite(value).all() for value in load_file(str(tmp_path / "model.safetensors")).values())


# -- a full disk ------------------------------------------------------------------------


def full_disk(monkeypatch, victim: str) -> None:
    """The disk fills up halfway through writing the epoch-2 checkpoint or model weights."""
    import zoo.train.state

    real_save, real_write_bytes = torch.save, Path.write_bytes

    def torn_save(obj, handle):
        if obj["epoch"] == 2:
            handle.write(b"half a checkpoint")
            raise OSError(errno.ENOSPC, "No space left on device")
        real_save(obj, handle)

    weights_written = []

    def torn_write_bytes(path, data):
        if path.name.startswith("model.safetensors."):
            weights_written.append(path)
            if len(weights_written) == 2:
                real_write_bytes(path, data[: len(data) // 2])
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_write_bytes(path, data)

    if victim == "checkpoint":
        monkeypatch.setattr(zoo.train.state.torch, "save", torn_save)
    else:
        monkeypatch.setattr(Path, "write_bytes", torn_write_bytes)


@pytest.mark.parametrize(("victim", "file"), [("checkpoint", "checkpoints/last.pt"), ("weights", "model.safetensors")])
def test_a_full_disk_stops_in_one_line_removes_the_partial_file_and_resumes_in_place(
    tmp_path, data, straight, monkeypatch, victim, file
):
    full_disk(monkeypatch, victim)
    with pytest.raises(DiskFull) as caught:
        gan_trainer(tmp_path, data).run()
    message = str(caught.value)
    assert message.startswith(f"the disk is full: {tmp_path / file} could not be written")
    assert f"the last good checkpoint is kept at {tmp_path / 'checkpoints' / 'last.pt'}" in message
    assert "--resume" in message and "\n" not in message
    assert not leftovers(tmp_path)
    assert load_checkpoint(tmp_path / "checkpoints/last.pt")["epoch"] == 1
    monkeypatch.undo()
    gan_trainer(tmp_path, data).run(resume=True)
    assert_same_training_state(tmp_path, straight)


def test_the_command_line_reports_a_full_disk_in_one_line(tmp_path, monkeypatch, capsys):
    import zoo.train.trainer

    def no_room(*args, **kwargs):
        raise DiskFull(f"the disk is full: {tmp_path / 'log.jsonl'} could not be written (No space left on device)")

    monkeypatch.setattr(zoo.train.trainer.Trainer, "_loop", no_room)
    code = main(["train", "dcgan-mnist", "--dataset", "crosses", "--out", str(tmp_path), "--epochs", "16"])  # a run worth loading: no short-run warning
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("zoo train: error: the disk is full:") and "continue with --resume" in err


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_the_command_line_exits_with_the_stopping_signals_status(tmp_path, monkeypatch, capsys, signum, status):
    """A preempted job exits 143 as schedulers expect; Ctrl-C exits 130 as shells expect; both say how to go on."""
    import zoo.train.trainer

    def stopped(self, *args, **kwargs):
        raise zoo.train.trainer.TrainingStopped("stopped by a signal at step 3; continue with --resume", signum)

    monkeypatch.setattr(zoo.train.trainer.Trainer, "_loop", stopped)
    code = main(["train", "dcgan-mnist", "--dataset", "crosses", "--out", str(tmp_path), "--epochs", "16"])  # a run worth loading: no short-run warning
    assert code == status
    assert capsys.readouterr().err == "zoo train: stopped by a signal at step 3; continue with --resume\n"


def test_a_full_disk_during_the_loss_plot_keeps_the_old_plot_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    from PIL import Image

    from zoo.train.lossplot import plot_losses

    def half_written(self, fp, *args, **kwargs):
        Path(fp).write_bytes(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device")

    plot = tmp_path / "losses.png"
    plot.write_bytes(b"the previous plot")
    monkeypatch.setattr(Image.Image, "save", half_written)
    with pytest.raises(DiskFull, match="losses.png"):
        plot_losses(["loss_g"], [{"epoch": 1, "loss_g": 1.0}], [], plot, "a run")
    assert [p.name for p in tmp_path.iterdir()] == ["losses.png"]
    assert plot.read_bytes() == b"the previous plot"
