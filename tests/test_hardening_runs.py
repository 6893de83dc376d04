"""Run and export folders are not followed out of themselves: symbolic links in a run folder are refused
by name (the lock, samples/, losses.png), a folder that is not a run folder is not trained into, and a
full disk inside torch.save is the one-line DiskFull with the old checkpoint kept."""
from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest
import torch

import zoo.train.state
from test_training import data, deterministic, gan_trainer  # noqa: F401 - fixtures (deterministic is autouse)
from zoo.cli import main
from zoo.core.files import DiskFull, NotARegularFile
from zoo.errors import ZooError
from zoo.release.publish import export_run
from zoo.release.push import check_folder

SECRET = "the secret key\n"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(SECRET)
    return path


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, data) -> Path:  # noqa: F811
    return gan_trainer(tmp_path_factory.mktemp("finished") / "run", data, hparams={"epochs": 1}).run()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("entry", [".train.lock", "samples", "losses.png", "config.json"])
def test_a_link_in_a_run_folder_is_refused_by_name_and_not_followed(tmp_path, data, secret, entry):  # noqa: F811
    run = tmp_path / "run"
    run.mkdir()
    (run / ".train.lock").write_text("an earlier run\n")
    target = secret if entry != "samples" else secret.parent
    (run / entry).unlink(missing_ok=True)
    (run / entry).symlink_to(target)
    before = snapshot(secret.parent)
    with pytest.raises(ZooError, match=f"{run / entry} is a symbolic link"):
        gan_trainer(run, data, hparams={"epochs": 1}).run(resume=True)
    assert snapshot(secret.parent) == before


def test_the_command_line_refuses_a_linked_lock_in_one_line(tmp_path, secret, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / ".train.lock").symlink_to(secret)
    code = main(["train", "dcgan-mnist", "--dataset", "crosses", "--out", str(run), "--epochs", "1"])
    [line] = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and line.startswith("zoo train: error:") and "symbolic link" in line
    assert secret.read_text() == SECRET


def test_a_folder_that_is_not_a_run_folder_is_not_trained_into(tmp_path, capsys):
    folder = tmp_path / "my-project"
    folder.mkdir()
    (folder / "config.json").write_text('{"mine": true}\n')
    (folder / "log.jsonl").write_text('{"my": "log"}\n')
    (folder / "draft.tmp").write_text("unsaved work\n")
    before = snapshot(folder)
    code = main(["train", "dcgan-mnist", "--dataset", "crosses", "--out", str(folder), "--epochs", "1"])
    [line] = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and "is not empty and is not a run folder" in line and "new or empty --out" in line
    assert snapshot(folder) == before and sorted(p.name for p in folder.iterdir()) == sorted(before)


def test_an_empty_folder_and_a_run_folder_are_trained_into(tmp_path, data):  # noqa: F811
    empty = tmp_path / "empty"
    empty.mkdir()
    run = gan_trainer(empty, data, hparams={"epochs": 1}).run()
    assert (run / "checkpoints" / "last.pt").is_file()
    gan_trainer(run, data, hparams={"epochs": 2}).run(resume=True)


def test_export_refuses_a_linked_loss_plot_and_copies_nothing(finished_run, tmp_path, secret, monkeypatch):
    run = tmp_path / "run"
    run.mkdir()
    for name in ("config.json", "model.safetensors"):
        (run / name).write_bytes((finished_run / name).read_bytes())
    (run / "losses.png").symlink_to(secret)
    out = tmp_path / "export"
    with pytest.raises(NotARegularFile, match=f"{run / 'losses.png'} is a symbolic link"):
        export_run(run, out, repo="zoo-tests/tiny-dcgan", with_metrics=False)
    assert not out.exists() and not any(SECRET.encode() in p.read_bytes() for p in tmp_path.rglob("*.png")
                                        if p.is_file() and not p.is_symlink())


def test_push_refuses_a_folder_holding_a_link(finished_run, tmp_path, secret):
    out = tmp_path / "export"
    export_run(finished_run, out, repo="zoo-tests/tiny-dcgan", with_metrics=False)
    (out / "extra.png").symlink_to(secret)
    with pytest.raises(ZooError, match=r"symbolic links or special files \(extra.png\)"):
        check_folder(out)


def test_push_refuses_a_fifo(finished_run, tmp_path):
    out = tmp_path / "export"
    export_run(finished_run, out, repo="zoo-tests/tiny-dcgan", with_metrics=False)
    os.mkfifo(out / "notes.txt")
    with pytest.raises(ZooError, match=r"special files \(notes.txt\)"):
        check_folder(out)


class _FullDisk(io.FileIO):
    """A file on a disk with 1000 bytes left: writes past them fail as the operating system's would."""

    def write(self, data) -> int:
        if self.tell() + len(data) > 1000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def test_a_full_disk_inside_torch_save_is_disk_full_and_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "checkpoints" / "last.pt"
    zoo.train.state.save_atomic({"step": 1}, path)
    before = path.read_bytes()
    monkeypatch.setattr(zoo.train.state, "open", lambda file, mode: _FullDisk(file, "w"), raising=False)
    with pytest.raises(DiskFull, match=f"the disk is full: {path} could not be written"):
        zoo.train.state.save_atomic({"weights": torch.zeros(100_000)}, path)
    assert path.read_bytes() == before and [p.name for p in path.parent.iterdir()] == ["last.pt"]


@pytest.mark.parametrize("kind", ["file", "link", "folder"])
def test_export_force_replaces_a_file_a_link_or_a_folder_cleanly(finished_run, tmp_path, secret, capsys, kind):
    out = tmp_path / "hub" / "tiny"
    out.parent.mkdir()
    if kind == "file":
        out.write_text("an old file\n")
    elif kind == "link":
        out.symlink_to(secret.parent, target_is_directory=True)
    else:
        out.mkdir()
        (out / "old.txt").write_text("old\n")
    before = snapshot(secret.parent)
    code = main(["export", str(finished_run), "--out", str(out), "--repo", "zoo-tests/tiny", "--no-metrics", "--force"])
    assert code == 0, capsys.readouterr().err
    assert out.is_dir() and not out.is_symlink() and (out / "model.safetensors").is_file()
    assert [p.name for p in out.parent.iterdir()] == ["tiny"] and snapshot(secret.parent) == before


def test_export_force_never_leaves_the_target_missing(finished_run, tmp_path, monkeypatch):
    """The old and new folders are swapped in one step: no rename moves the old one away first."""
    import zoo.core.files

    out = tmp_path / "export"
    export_run(finished_run, out, repo="zoo-tests/tiny", with_metrics=False)
    real_replace = os.replace

    def killed_if_target_moved(source, destination):
        if Path(source) == out:
            raise KeyboardInterrupt("killed between the two renames")
        return real_replace(source, destination)

    monkeypatch.setattr(zoo.core.files.os, "replace", killed_if_target_moved)
    export_run(finished_run, out, repo="zoo-tests/tiny", with_metrics=False, force=True)
    assert (out / "model.safetensors").is_file() and [p.name for p in tmp_path.iterdir()] == ["export"]
