"""Data said once: --data, then ZOO_DATA, then ./data and the user's cache; a missing dataset is one
line naming where it looked, and nothing is created on failure."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torchvision.datasets

from zoo.cli import main
from zoo.data.datasets import load_dataset
from zoo.data.roots import data_roots
from zoo.errors import ZooError

from test_training import write_tiny_mnist


@pytest.fixture
def places(tmp_path, monkeypatch):
    """A working folder and a user cache of the test's own, no ZOO_DATA, and no network."""
    work, cache = tmp_path / "work", tmp_path / "cache"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("ZOO_DATA", raising=False)

    def offline(self):
        print("Downloading https://example.invalid ... urllib noise")
        raise RuntimeError("Error downloading train-images:\nTried https://example.invalid, got:\nno network")

    monkeypatch.setattr(torchvision.datasets.MNIST, "download", offline)
    return work, cache


def files_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("given", ["root", "root/MNIST"])
def test_a_root_or_the_datasets_own_folder_is_read(places, tmp_path, given):
    write_tiny_mnist(tmp_path / "root")
    assert len(load_dataset("mnist", tmp_path / given, train=False)) == 64


def test_zoo_data_is_read_when_no_root_is_given(places, tmp_path, monkeypatch):
    write_tiny_mnist(tmp_path / "env")
    monkeypatch.setenv("ZOO_DATA", str(tmp_path / "env"))
    assert len(load_dataset("mnist", None, train=False)) == 64
    with pytest.raises(ZooError, match="from --data"):  # a root given wins over ZOO_DATA
        load_dataset("mnist", tmp_path / "elsewhere", train=False)


@pytest.mark.parametrize("default", ["work/data", "cache/generative-zoo/data"])
def test_without_root_or_zoo_data_the_defaults_are_read(places, tmp_path, default):
    write_tiny_mnist(tmp_path / default)
    assert len(load_dataset("mnist", None, train=False)) == 64


def test_the_lookup_order_is_data_then_zoo_data_then_the_defaults(places, tmp_path, monkeypatch):
    work, cache = places
    assert data_roots(None).folders == (Path("data"), cache / "generative-zoo" / "data")
    monkeypatch.setenv("ZOO_DATA", str(tmp_path / "env"))
    assert data_roots(None).folders == (tmp_path / "env",)
    assert data_roots(tmp_path / "given").folders == (tmp_path / "given",)


def test_a_missing_dataset_is_one_line_naming_the_folders_and_creates_nothing(places, tmp_path, capsys):
    work, cache = places
    with pytest.raises(ZooError) as error:
        load_dataset("mnist", None, train=False)
    message = str(error.value)
    assert "\n" not in message
    for looked in (Path("data") / "MNIST" / "raw", cache / "generative-zoo" / "data" / "MNIST" / "raw"):
        assert str(looked) in message
    assert "ZOO_DATA is not set" in message and "no network" in message and "pass --data DIR" in message
    assert capsys.readouterr() == ("", "")  # the download's own chatter is not shown
    assert files_under(work) == [] and files_under(cache / "generative-zoo" / "data") == []


def test_a_download_lands_in_the_user_cache(places, monkeypatch):
    work, cache = places

    def download(self):
        write_tiny_mnist(Path(self.root))

    monkeypatch.setattr(torchvision.datasets.MNIST, "download", download)
    assert len(load_dataset("mnist", None, train=False)) == 64
    assert (cache / "generative-zoo" / "data" / "MNIST" / "raw" / "t10k-images-idx3-ubyte").is_file()
    assert files_under(work) == []


@pytest.mark.parametrize("command", [["reconstruct", "ae-mnist"], ["evaluate", "dcgan-mnist"]])
def test_a_command_without_data_says_where_it_looked_and_leaves_nothing(places, capsys, command):
    work, cache = places
    assert main([*command, "--data", str(work / "DIR" / "MNIST")]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert f"is not in {work / 'DIR' / 'MNIST' / 'raw'} (from --data; ZOO_DATA is not set)" in line
    assert files_under(work) == [] and files_under(cache / "generative-zoo" / "data") == []


@pytest.mark.parametrize("train", [True, False])
def test_idx_files_read_as_torchvision_reads_them_without_importing_it(places, tmp_path, train):
    write_tiny_mnist(tmp_path / "root")
    data = load_dataset("mnist", tmp_path / "root", train=train)
    expected = torchvision.datasets.MNIST(str(tmp_path / "root"), train=train, download=False)
    assert torch.equal(data.images, expected.data.unsqueeze(1).float() / 255)
    assert torch.equal(data.labels, expected.targets) and data.labels.dtype == torch.long
    script = ("import sys\nfrom zoo.data.datasets import load_dataset\n"
              f"load_dataset('mnist', {str(tmp_path / 'root')!r})\nprint('torchvision' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"  # about 2 s a process


@pytest.mark.parametrize("change", [lambda data: data[:-1], lambda data: data + b"\0"], ids=["cut-short", "too-long"])
def test_an_idx_file_of_another_length_than_its_header_says_is_not_a_copy(places, tmp_path, change):
    write_tiny_mnist(tmp_path / "root")
    images = tmp_path / "root" / "MNIST" / "raw" / "train-images-idx3-ubyte"
    images.write_bytes(change(images.read_bytes()))
    with pytest.raises(ZooError, match="downloading it failed"):
        load_dataset("mnist", tmp_path / "root", train=True)
