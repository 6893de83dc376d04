"""The command line refuses bad output paths, devices, checkpoints, names and files in one line
(exit 2, no traceback), ends quietly in a closed pipe, and writes many samples with bounded memory."""
from __future__ import annotations

import builtins
import errno
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors import safe_open

import zoo
from zoo.hub import resolve as hub
from zoo.cli import main
from zoo.cli.samplefiles import MAX_GRID

from test_untrusted_folders import folder  # noqa: F401 - a fixture

LONG_NAME = "a" * 300
ABSENT_CUDA = f"cuda:{max(7, torch.cuda.device_count())}"


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    pass


def one_line_error(code: int, capsys, *needles: str) -> str:
    """Assert exit 2 with one line on stderr holding every needle; return the line."""
    err = capsys.readouterr().err
    assert code == 2, err
    [line] = err.strip().splitlines()
    assert line.startswith("zoo ") and "Traceback" not in line
    for needle in needles:
        assert needle in line
    return line


def refuse_opening(monkeypatch, blocked: Path, *, writing_only: bool) -> None:
    """The operating system says "Permission denied" to opening files under ``blocked``, as it does to a
    user without the rights (the tests run as root, which may open anything)."""
    real_open, real_os_open = builtins.open, os.open
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | getattr(os, "O_TMPFILE", 0)

    def is_blocked(file) -> bool:
        return isinstance(file, (str, os.PathLike)) and Path(os.path.abspath(file)).is_relative_to(blocked)

    def guarded_open(file, mode="r", *args, **kwargs):
        if is_blocked(file) and (not writing_only or any(c in mode for c in "wax+")):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if is_blocked(path) and (not writing_only or flags & write_flags):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)


# -- where the output goes --------------------------------------------------------------------


@pytest.mark.parametrize("command", [["sample", "dcgan-mnist", "-n", "4"], ["interpolate", "vae-mnist"],
                                     ["reconstruct", "vae-mnist"]])
def test_an_output_path_under_a_file_is_refused_in_one_line(tmp_path, capsys, command):
    (tmp_path / "somefile").write_text("keep me")
    code = main([*command, "-o", str(tmp_path / "somefile" / "x.png")])
    one_line_error(code, capsys, "somefile is a file, not a folder")
    assert (tmp_path / "somefile").read_text() == "keep me"


def test_a_read_only_output_folder_is_refused_before_sampling(tmp_path, capsys, monkeypatch):
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    refuse_opening(monkeypatch, read_only, writing_only=True)
    code = main(["sample", "dcgan-mnist", "-n", "4", "-o", str(read_only / "x.png")])
    one_line_error(code, capsys, f"the folder {read_only} is not writable (Permission denied)")
    assert list(read_only.iterdir()) == []


def test_an_output_that_is_a_folder_is_refused(tmp_path, capsys):
    code = main(["interpolate", "vae-mnist", "-o", str(tmp_path)])
    one_line_error(code, capsys, f"cannot write {tmp_path}: it is a folder")


# -- devices ----------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["tpu", ABSENT_CUDA])
@pytest.mark.parametrize("command", [
    ["sample", "dcgan-mnist", "-n", "4"], ["train", "dcgan-mnist", "--epochs", "1"], ["bench", "dcgan-mnist"],
    ["interpolate", "vae-mnist"], ["reconstruct", "vae-mnist"],
])
def test_a_device_that_is_not_here_is_refused_in_one_line(tmp_path, capsys, monkeypatch, command, device):
    monkeypatch.chdir(tmp_path)
    code = main([*command, "--device", device])
    line = one_line_error(code, capsys)
    assert device in line and ("not available here" in line or "must name a device" in line)
    assert list(tmp_path.iterdir()) == []


# -- a damaged checkpoint, long names, unreadable weights -------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_resuming_from_a_damaged_checkpoint_is_one_line_naming_it(tmp_path, capsys, damage):
    last = tmp_path / "run" / "checkpoints" / "last.pt"
    last.parent.mkdir(parents=True)
    torch.save({"epoch": 1, "recipe": {"weight": torch.zeros(1000)}}, last)
    whole = last.read_bytes()
    damaged = {"garbage": b"not a checkpoint" * 10, "truncated": whole[: len(whole) // 2], "empty": b""}[damage]
    last.write_bytes(damaged)
    code = main(["train", "dcgan-mnist", "--out", str(tmp_path / "run"), "--resume"])
    one_line_error(code, capsys, str(last), "damaged")
    assert last.read_bytes() == damaged


@pytest.mark.parametrize("command", [["info"], ["sample"], ["download"]])
def test_a_model_name_longer_than_a_file_name_is_an_unknown_model(capsys, command):
    code = main([*command, LONG_NAME])
    one_line_error(code, capsys, "unknown model")


def test_a_folder_path_longer_than_a_file_name_is_one_line(capsys):
    code = main(["sample", f"./{LONG_NAME}"])
    one_line_error(code, capsys, "File name too long")


def test_weights_that_are_a_folder_are_not_reported_missing(folder, tmp_path, capsys):  # noqa: F811
    weights = folder / "model.safetensors"
    weights.unlink()
    weights.mkdir()
    code = main(["sample", str(folder), "-n", "4", "-o", str(tmp_path / "x.png")])
    line = one_line_error(code, capsys, f"cannot read {weights}: Is a directory")
    assert "No such file" not in line


def test_unreadable_weights_of_a_folder_are_refused_with_the_reason(folder, tmp_path, capsys, monkeypatch):  # noqa: F811
    refuse_opening(monkeypatch, folder / "model.safetensors", writing_only=False)
    code = main(["sample", str(folder), "-n", "4", "-o", str(tmp_path / "x.png")])
    line = one_line_error(code, capsys, f"cannot read {folder / 'model.safetensors'}: Permission denied")
    assert "No such file" not in line


def test_unreadable_pinned_weights_are_one_line_naming_the_file(tmp_path, capsys, monkeypatch):
    weights = hub.fetch("dcgan-mnist").path
    refuse_opening(monkeypatch, weights, writing_only=False)
    code = main(["sample", "dcgan-mnist", "-n", "4", "-o", str(tmp_path / "x.png")])
    one_line_error(code, capsys, f"{weights}: Permission denied")


# -- a closed pipe ----------------------------------------------------------------------------


def test_a_reader_that_stops_early_ends_the_command_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "zoo.cli", "info", "dcgan-mnist"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # gone before anything is written, as `head -1` is once it has its line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert err == ""


# -- many samples -----------------------------------------------------------------------------


def test_a_grid_of_more_than_max_grid_images_is_refused_with_a_hint(tmp_path, capsys):
    code = main(["sample", "vae-mnist", "-n", str(MAX_GRID + 1), "-o", str(tmp_path / "grid.png")])
    one_line_error(code, capsys, f"at most {MAX_GRID} images", f"-o {tmp_path / 'grid.npy'}")
    assert list(tmp_path.iterdir()) == []


def test_an_output_name_without_a_known_format_is_refused(tmp_path, capsys):
    code = main(["sample", "vae-mnist", "-n", "4", "-o", str(tmp_path / "samples.txt")])
    one_line_error(code, capsys, ".png", ".npy", ".safetensors")


def test_a_grid_of_max_grid_images_is_still_written(tmp_path, capsys):
    out = tmp_path / "grid.png"
    assert main(["sample", "vae-mnist", "-n", str(MAX_GRID), "--nrow", "32", "-o", str(out)]) == 0
    with Image.open(out) as image:
        assert image.size == (32 * 30 + 2, 32 * 30 + 2)


@pytest.mark.parametrize("suffix", [".npy", ".safetensors"])
def test_many_samples_go_to_a_file_of_tensors_equal_to_sample(tmp_path, capsys, suffix):
    out = tmp_path / f"samples{suffix}"
    assert main(["sample", "vae-mnist", "-n", "2500", "--seed", "3", "-o", str(out)]) == 0
    assert f"wrote 2500 samples of vae-mnist to {out}" in capsys.readouterr().out
    if suffix == ".npy":
        got = torch.from_numpy(np.load(out))
    else:
        with safe_open(str(out), framework="pt") as handle:
            got = handle.get_tensor("images")
            assert handle.metadata()["zoo_model"] == "vae-mnist" and handle.metadata()["seed"] == "3"
    assert got.dtype == torch.float32
    assert torch.equal(got, zoo.load("vae-mnist").sample(2500, seed=3))
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


MEMORY_SCRIPT = """
import resource, sys
import torch
torch.set_num_threads(1)
from zoo.cli import main

def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

assert main(["sample", "vae-mnist", "-n", "1000", "-o", sys.argv[1]]) == 0
before = peak_mib()
assert main(["sample", "vae-mnist", "-n", "40000", "-o", sys.argv[2]]) == 0
print(peak_mib() - before)
"""


def test_writing_many_samples_keeps_memory_to_about_one_batch(tmp_path):
    proc = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(tmp_path / "few.npy"), str(tmp_path / "many.npy")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    grown = float(proc.stdout.strip().splitlines()[-1])
    held = 40000 * 28 * 28 * 4 / 2**20  # 120 MiB, if the samples were held at once
    assert grown < held / 3, f"peak memory grew by {grown:.0f} MiB writing {held:.0f} MiB of samples"
    assert np.load(tmp_path / "many.npy", mmap_mode="r").shape == (40000, 1, 28, 28)


# -- zoo list ---------------------------------------------------------------------------------


def test_list_without_models_says_which_settings_to_check(capsys, monkeypatch, fresh_registry):
    monkeypatch.setenv("ZOO_LOAD_PLUGINS", "nosuch")
    assert main(["list"]) == 1
    err = capsys.readouterr().err
    assert "no models are registered; check ZOO_LOAD_PLUGINS / ZOO_DISABLE_PLUGINS" in err
    assert "None" not in err
