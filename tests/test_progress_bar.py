"""The training progress bar counts images: images per second and the whole run's ETA."""
from __future__ import annotations

import pytest

from zoo_plugins.crosses.data import crosses
from zoo.core.registry import get_spec
from zoo.train.trainer import Trainer

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_the_progress_bar_shows_images_per_second_over_the_whole_run(tmp_path, capsys) -> None:
    data = crosses(64, seed=0)[0]
    Trainer(get_spec("gan-mnist"), tmp_path / "run", data=data, dataset="crosses",
            hparams={"epochs": 2, "batch_size": 16}, progress=True).run()
    bar = capsys.readouterr().err.replace("\r", "\n").splitlines()
    final = [line for line in bar if "epoch 2/2" in line][-1]
    assert "128/128" in final  # 2 epochs of 64 images, counted as images
    assert "img/s" in final
