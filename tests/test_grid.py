"""The zoo's own image grids write the same PNG bytes as ``torchvision.utils.save_image``, which
commands no longer import: it costs about 2 s in every process that writes a picture."""
from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
import torch
from PIL import Image
from torchvision.utils import make_grid as torchvision_grid
from torchvision.utils import save_image as torchvision_save

from conftest import needs_weights
from zoo.core.grid import make_grid, save_image, to_image

SHAPES = [  # (count, channels, height, width, nrow)
    (16, 1, 28, 28, 4),
    (7, 1, 28, 28, 3),  # a last row left short
    (5, 3, 9, 13, 8),  # fewer images than a row holds
    (10, 3, 8, 8, 4),
    (1, 1, 28, 28, 8),  # one image: no padding, but three channels
    (1, 3, 5, 6, 1),
]


def png(save, images: torch.Tensor, **kwargs) -> bytes:
    buffer = io.BytesIO()
    save(images, buffer, format="png", **kwargs)
    return buffer.getvalue()


@pytest.mark.parametrize("padding", [0, 2])
@pytest.mark.parametrize("count,channels,height,width,nrow", SHAPES)
def test_grids_and_pngs_equal_torchvisions(count, channels, height, width, nrow, padding) -> None:
    images = torch.rand(count, channels, height, width, generator=torch.Generator().manual_seed(count))
    images[0, :, 0, 0] = torch.tensor([0.0, 1.0, 0.5 / 255])[:channels]  # the ends, and a value on a rounding tie
    for pad_value in (0.0, 1.0):
        kwargs = {"nrow": nrow, "padding": padding, "pad_value": pad_value}
        assert torch.equal(make_grid(images, **kwargs), torchvision_grid(images, **kwargs))
        assert png(save_image, images, **kwargs) == png(torchvision_save, images, **kwargs)


def test_values_outside_the_unit_range_are_clipped() -> None:
    picture = torch.tensor([-0.5, 0.2, 1.7]).reshape(3, 1, 1)
    assert to_image(picture).getpixel((0, 0)) == (0, 51, 255)


def test_a_file_name_gives_the_kind_of_file(tmp_path) -> None:
    save_image(torch.zeros(4, 1, 6, 6), tmp_path / "grid.png", nrow=2)
    with Image.open(tmp_path / "grid.png") as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGB", (2 * 8 + 2, 2 * 8 + 2))


@needs_weights("dcgan-mnist")
def test_sampling_to_a_picture_does_not_import_torchvision(tmp_path) -> None:
    script = (
        "import sys\nfrom zoo.cli import main\n"
        f"assert main(['sample', 'dcgan-mnist', '-n', '4', '-o', {str(tmp_path / 'x.png')!r}]) == 0\n"
        "print('TORCHVISION', 'torchvision' in sys.modules)\n"
    )
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZOO_")}, "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "TORCHVISION False" in result.stdout
    assert (tmp_path / "x.png").is_file()
