"""Every size that allocates or writes has a documented bound checked before the work starts; a
model folder's config.json and weights are read only when they are regular files of sane size and
depth; SIGTERM while samples are written leaves no temporary file; the torch floor has no known
weights_only bypass."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

import zoo
import zoo.core.limits
from conftest import REPO_ROOT
from zoo.cli import main
from zoo.core.limits import MAX_CONFIG_DEPTH, MAX_IMAGE_SIZE, MAX_SAMPLES

from test_untrusted_folders import folder  # noqa: F401 - a fixture


def one_line_error(code: int, capsys, *needles: str) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    [line] = err.strip().splitlines()
    assert line.startswith("zoo ") and "Traceback" not in err
    for needle in needles:
        assert needle in line, line
    return line


def test_too_many_samples_are_refused_before_sampling(tmp_path, capsys):
    out = tmp_path / "x.npy"
    one_line_error(main(["sample", "dcgan-mnist", "-n", str(100_000_000_000), "-o", str(out)]), capsys,
                   f"-n is 100000000000, more than the {MAX_SAMPLES} allowed", "docs/limits.md")
    assert list(tmp_path.iterdir()) == []


def test_samples_that_do_not_fit_on_the_disk_are_refused_before_sampling(tmp_path, capsys, monkeypatch):
    out = tmp_path / "x.npy"
    usage = zoo.core.limits.shutil.disk_usage(tmp_path)
    monkeypatch.setattr(zoo.core.limits.shutil, "disk_usage", lambda path: usage._replace(free=10_000))
    one_line_error(main(["sample", "dcgan-mnist", "-n", "1000", "-o", str(out)]), capsys,
                   f"{out} would take", "nothing was written")
    assert list(tmp_path.iterdir()) == []


def test_an_image_size_beyond_the_bound_is_refused_before_reading_images(tmp_path, capsys):
    images = tmp_path / "images"
    images.mkdir()
    code = main(["train", "dcgan-mnist", "--images", str(images), "--image-size", "100000",
                 "--out", str(tmp_path / "run")])
    one_line_error(code, capsys, f"--image-size is 100000, more than the {MAX_IMAGE_SIZE} allowed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["images"]


def nested(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


@pytest.mark.parametrize("depth", [MAX_CONFIG_DEPTH + 5, 100_000])
def test_a_deeply_nested_config_is_refused_in_one_line(folder, capsys, depth):  # noqa: F811
    config = json.loads((folder / "config.json").read_text())
    text = json.dumps({**config, "training": {"notes": "x"}})
    (folder / "config.json").write_text(text.replace('"x"', nested(depth)))
    line = one_line_error(main(["sample", str(folder), "-n", "4", "-o", str(folder.parent / "x.png")]), capsys)
    assert "nested" in line and "config.json" in line


def test_a_huge_config_is_refused(folder):  # noqa: F811
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "training": {"notes": "x" * (2 << 20)}}))
    with pytest.raises(zoo.errors.CatalogError, match="larger than"):
        zoo.load(folder)


@pytest.mark.parametrize("value", [["dcgan-mnist"], {"a": 1}, 12])
def test_a_model_name_that_is_not_a_string_is_a_clear_error(folder, capsys, value):  # noqa: F811
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "zoo_model": value}))
    line = one_line_error(main(["sample", str(folder), "-n", "4", "-o", str(folder.parent / "x.png")]), capsys,
                          "field 'zoo_model'")
    assert "unhashable" not in line


@pytest.mark.parametrize("name", ["model.safetensors", "config.json"])
def test_a_fifo_in_a_model_folder_is_refused_not_waited_on(folder, name):  # noqa: F811
    (folder / name).unlink()
    os.mkfifo(folder / name)
    started = time.monotonic()
    with pytest.raises(zoo.ZooError, match="not a regular file"):
        zoo.load(folder)
    assert time.monotonic() - started < 30


def test_sigterm_while_writing_samples_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "x.npy"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    # 200 batches: far more writing than the signal waits for, and a start in seconds (sample_batches
    # makes one generator per image for conditioning before the first batch: 5 million took half a minute)
    proc = subprocess.Popen([sys.executable, "-m", "zoo.cli", "sample", "dcgan-mnist", "-n", "200000",
                             "-o", str(out)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob("*.tmp")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert list(tmp_path.glob("*.tmp")), "the writer never started"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 128 + signal.SIGTERM
        assert list(tmp_path.iterdir()) == []
    finally:  # a failed test must not leave the sampler running behind it
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_torch_floor_excludes_versions_with_a_weights_only_bypass():
    from packaging.requirements import Requirement

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    floors = {req.name: req.specifier for req in map(Requirement, project["dependencies"])}
    assert not floors["torch"].contains("2.5.1") and floors["torch"].contains("2.6.0")
    assert not floors["torchvision"].contains("0.20.1") and floors["torchvision"].contains("0.21.0")


def test_an_interpolation_too_large_to_hold_is_refused_before_loading(tmp_path, capsys):
    out = tmp_path / "i.png"
    code = main(["interpolate", "ae-mnist", "--rows", "100000", "--steps", "100000", "-o", str(out)])
    one_line_error(code, capsys, "--rows x --steps is 10000000000, more than the 4096 allowed")
    assert list(tmp_path.iterdir()) == []
