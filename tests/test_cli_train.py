"""zoo train says, in one line, when a run is too short to give a model worth loading."""
from __future__ import annotations

import pytest

from zoo.cli import main
from zoo.core.registry import get_spec

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def warnings(err: str) -> list[str]:
    return [line for line in err.replace("\r", "\n").splitlines() if "warning:" in line]


def test_a_run_shorter_than_its_recipe_needs_is_warned_about_once(tmp_path, capsys):
    needed = get_spec("gan-mnist").recipe_class().min_useful_steps
    assert main(["train", "gan-mnist", "--dataset", "crosses", "--max-steps", "2", "--out", str(tmp_path / "run")]) == 0
    [line] = warnings(capsys.readouterr().err)
    assert "2 train steps planned" in line and f"needs about {needed}" in line


def test_a_run_long_enough_is_not_warned_about(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(get_spec("gan-mnist").recipe_class(), "min_useful_steps", 2)
    assert main(["train", "gan-mnist", "--dataset", "crosses", "--max-steps", "2", "--out", str(tmp_path / "run")]) == 0
    assert warnings(capsys.readouterr().err) == []
