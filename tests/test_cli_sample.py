"""zoo sample steers what models can be steered: --labels for conditional models, --sweep for
models with codes (the noise held along a row); progress bars appear only on a terminal."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import zoo
import zoo.cli.progress
from zoo.cli import main


@pytest.fixture(autouse=True)
def _one_thread(one_torch_thread):
    pass


def one_line_error(code: int, capsys) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    [line] = err.strip().splitlines()
    return line


def test_labels_draw_the_classes_asked_for_in_order(tmp_path):
    out = tmp_path / "digits.npy"
    assert main(["sample", "cdcgan-mnist", "-n", "12", "--labels", "0-4,7", "-o", str(out)]) == 0
    expected = zoo.load("cdcgan-mnist").sample(12, seed=0, labels=[0, 1, 2, 3, 4, 7] * 2)
    assert torch.equal(torch.from_numpy(np.load(out)), expected)


def test_labels_set_the_rows_of_the_grid(tmp_path, capsys):
    from PIL import Image

    out = tmp_path / "grid.png"
    assert main(["sample", "cgan-mnist", "-n", "20", "--labels", "0-9", "-o", str(out)]) == 0
    with Image.open(out) as image:
        assert image.size == (10 * 30 + 2, 2 * 30 + 2)


@pytest.mark.parametrize("argv, message", [
    (["dcgan-mnist", "--labels", "3"], "'dcgan-mnist' is not conditional, so it takes no --labels"),
    (["cdcgan-mnist", "--labels", "3,10,12"], "'cdcgan-mnist' has classes 0-9; --labels asked for 10, 12"),
    (["cdcgan-mnist", "--labels", "3", "--sweep", "categorical"], "give --labels or --sweep, not both"),
    (["dcgan-mnist", "--sweep", "categorical"], "'dcgan-mnist' takes no codes, so there is nothing to --sweep"),
    (["infogan-mnist", "--sweep", "continuous:2"], "'infogan-mnist' has 2 continuous codes (0-1), not code 2"),
])
def test_what_a_model_cannot_be_asked_is_one_line(tmp_path, capsys, argv, message):
    out = tmp_path / "x.png"
    line = one_line_error(main(["sample", *argv, "-o", str(out)]), capsys)
    assert message in line and not out.exists()


def test_a_backwards_range_of_labels_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "cdcgan-mnist", "--labels", "9-3"])
    assert exit_info.value.code == 2
    assert "the range '9-3' runs backwards; write 3-9" in capsys.readouterr().err


@pytest.mark.parametrize("sweep, columns", [("categorical", 10), ("continuous:1", 5)])
def test_a_sweep_holds_the_noise_along_each_row_and_changes_only_the_code(tmp_path, sweep, columns):
    out = tmp_path / "sweep.npy"
    assert main(["sample", "infogan-mnist", "--sweep", sweep, "-n", str(3 * columns), "--nrow", "5",
                 "-o", str(out)]) == 0
    grid = torch.from_numpy(np.load(out)).reshape(3, columns, 1, 28, 28)
    model = zoo.load("infogan-mnist")
    for row in range(3):
        for column in (0, columns - 1):
            categorical = column if sweep == "categorical" else row
            continuous = [0.0, 0.0] if sweep == "categorical" else [0.0, -1.0 + 2.0 * column / (columns - 1)]
            # the image of row r with its code given: sample(r + 1)[r] has row r's noise
            codes = {"categorical": [categorical] * (row + 1), "continuous": [continuous] * (row + 1)}
            expected = model.sample(row + 1, seed=0, codes=codes)[row]
            assert torch.allclose(grid[row, column], expected, atol=1e-6)
    assert not torch.equal(grid[0, 0], grid[0, -1]) and not torch.equal(grid[0, 0], grid[1, 0])


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path, capsys):
    assert main(["sample", "dcgan-mnist", "-n", "8", "-o", str(tmp_path / "x.png")]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("command, shows", [
    (["sample", "dcgan-mnist", "-n", "30", "-o", "x.npy"], "sampling dcgan-mnist"),
    (["sample", "infogan-mnist", "--sweep", "categorical", "-n", "20", "-o", "x.png"], "sampling infogan-mnist"),
    (["reconstruct", "ae-mnist", "--images", "IMAGES", "--rows", "2", "--cols", "2"], "reconstructing with ae-mnist"),
])
def test_a_progress_bar_counts_the_work_on_a_terminal(tmp_path, monkeypatch, capsys, command, shows):
    from PIL import Image

    for i in range(4):
        Image.new("L", (28, 28), 60 * i).save(tmp_path / f"{i}.png")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(zoo.cli.progress, "shown", lambda: True)
    assert main([str(tmp_path) if arg == "IMAGES" else arg for arg in command]) == 0
    err = capsys.readouterr().err
    assert shows in err and "100%" in err


def test_sampling_by_other_code_is_watched_while_inside_and_then_left_alone(monkeypatch, capsys):
    """zoo evaluate hands the model to the measuring code; its sample() calls show as a bar."""
    monkeypatch.setattr(zoo.cli.progress, "shown", lambda: True)
    model = zoo.load("dcgan-mnist")
    with zoo.cli.progress.watched_sampling(model, "sampling dcgan-mnist"):
        watched = model.sample(12, seed=0, batch_size=5)
    assert "sampling dcgan-mnist" in capsys.readouterr().err
    assert torch.equal(watched, model.sample(12, seed=0, batch_size=5))
    assert capsys.readouterr().err == "" and "sample_batches" not in vars(model)
