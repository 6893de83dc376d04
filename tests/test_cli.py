"""The zoo command line: listing, info, sampling, download, and one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PIL import Image

from zoo.cli import main


def test_list_shows_models_and_filters(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "dcgan-mnist" in out and "mnist-classifier" in out
    assert main(["list", "dcgan-*"]) == 0
    out = capsys.readouterr().out
    assert "dcgan-mnist" in out and "mnist-classifier" not in out
    line = next(line for line in out.splitlines() if line.startswith("dcgan-mnist "))
    assert " gan " in line and line.endswith("[arXiv:1511.06434]")  # family and paper


def test_list_with_no_match_fails(capsys):
    assert main(["list", "nothing-*"]) == 1
    assert "no model matches" in capsys.readouterr().err


def test_info_prints_the_spec_as_json(capsys):
    assert main(["info", "mnist-classifier"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["family"] == "classifier"
    assert info["parameters"] > 100_000
    assert info["metrics"]["test_accuracy"] > 0.98
    assert info["pretrained"]["repo"] == "generative-zoo/mnist-classifier"


def test_info_shows_the_recorded_bench_numbers(capsys):
    from zoo.core.catalog import read_catalog
    from conftest import CATALOG

    recorded = read_catalog(CATALOG)["dcgan-mnist"].bench
    assert recorded["command"].startswith("zoo bench")
    assert main(["info", "dcgan-mnist"]) == 0
    assert json.loads(capsys.readouterr().out)["bench"] == dict(recorded)


def test_sample_writes_a_png_grid(tmp_path, capsys):
    out = tmp_path / "grid.png"
    assert main(["sample", "dcgan-mnist", "-n", "16", "--seed", "0", "-o", str(out)]) == 0
    with Image.open(out) as image:
        assert image.size == (4 * 30 + 2, 4 * 30 + 2)


def test_sample_of_a_classifier_is_a_clear_error(tmp_path, capsys):
    assert main(["sample", "mnist-classifier", "-o", str(tmp_path / "x.png")]) == 2
    assert "does not sample" in capsys.readouterr().err


def test_download_verifies_every_pinned_file(capsys):
    assert main(["download", "mnist-classifier"]) == 0
    out = capsys.readouterr().out
    assert "model.safetensors: verified sha256" in out and "config.json: verified sha256" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["sample", "dcgan-mnsit"], "did you mean 'dcgan-mnist'"),
        (["info", "nope"], "unknown model 'nope'"),
        (["train", "dcgan-mnist", "--set", "lr"], "KEY=VALUE"),
    ],
)
def test_user_errors_are_one_line_without_traceback(argv, message):
    result = subprocess.run([sys.executable, "-m", "zoo.cli", *argv], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert message.lower() in result.stderr.lower()


def test_bad_count_is_rejected_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "dcgan-mnist", "-n", "0"])
    assert exit_info.value.code == 2
    assert "positive whole number" in capsys.readouterr().err
