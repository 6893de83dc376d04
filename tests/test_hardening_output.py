"""What a plugin writes at the file-descriptor level (``os.write(1, ...)``, a subprocess, an exit
handler, a print in the hook) goes to stderr in ``--json`` mode: stdout holds the JSON and nothing else.
Odd failures are one line: a plugin's own BaseException, an output that is a link, a bench of one
sample, a size beyond what a tensor can hold."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO_ROOT
from test_plugins import Site, models_source, site  # noqa: F401 - site is a fixture
from test_untrusted_folders import folder, set_config  # noqa: F401 - folder is a fixture

NOISY = f"""
import atexit, os, subprocess, sys
os.write(1, b"fd noise at import\\n")
subprocess.run([{sys.executable!r}, "-c", "print('subprocess noise')"])
atexit.register(lambda: os.write(1, b"exit handler noise\\n"))
atexit.register(lambda: print("exit handler print"))
""" + models_source("noisy-gan").replace(
    "def register_models(register):",
    "def register_models(register):\n    os.write(1, b'fd noise while registering\\n')\n    print('print noise')",
)


def test_fd_level_plugin_output_never_reaches_json_stdout(site: Site) -> None:  # noqa: F811
    site.add_plugin("noisy", NOISY)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site.root), str(REPO_ROOT)])}
    proc = subprocess.run([sys.executable, "-m", "zoo.cli", "plugins", "--json"], capture_output=True, text=True,
                          env=env, cwd=REPO_ROOT, timeout=120)
    assert "noisy" in {plugin["name"] for plugin in json.loads(proc.stdout)}
    for noise in ("fd noise at import", "subprocess noise", "fd noise while registering", "print noise",
                  "exit handler noise", "exit handler print"):
        assert noise in proc.stderr and noise not in proc.stdout


def test_a_plugin_raising_its_own_base_exception_is_reported_and_skipped(site: Site, capsys) -> None:  # noqa: F811
    from zoo.cli import main

    site.add_plugin("odd", "class Odd(BaseException):\n    pass\n\nraise Odd('not an Exception')\n")
    site.add_plugin("fine", models_source("fine-gan"))
    assert main(["list", "fine-*"]) == 0
    out, err = capsys.readouterr()
    assert "fine-gan" in out and "Traceback" not in err
    [line] = [line for line in err.splitlines() if "odd" in line]
    assert "raised Odd (a BaseException): not an Exception" in line and "ZOO_DISABLE_PLUGINS=odd" in line


@pytest.mark.parametrize("suffix", [".png", ".npy"])
def test_an_output_that_is_a_symbolic_link_is_refused_and_its_target_kept(tmp_path, capsys, suffix) -> None:
    from zoo.cli import main

    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / f"out{suffix}"
    link.symlink_to(target)
    assert main(["sample", "dcgan-mnist", "-n", "4", "-o", str(link)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "is a symbolic link" in line and target.read_text() == "keep me\n" and link.is_symlink()


def test_bench_of_too_few_samples_is_one_line(capsys) -> None:
    from zoo.cli import main

    assert main(["bench", "dcgan-mnist", "-n", "1"]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("zoo bench: error: -n 1 is too few") and "at least 10" in line


def test_frechet_distance_of_one_sample_is_a_clear_error() -> None:
    import torch

    from zoo.evaluate.quality import frechet_distance

    with pytest.raises(ValueError, match="at least 2 samples per set, got 1 and 100"):
        frechet_distance(torch.randn(1, 8), torch.randn(100, 8))


@pytest.mark.parametrize("value", [10**20, 2**40])
def test_a_huge_whole_number_in_a_folder_config_is_a_clear_one_line_error(folder, capsys, value) -> None:  # noqa: F811
    from zoo.cli import main

    set_config(folder, latent_dim=value)
    assert main(["sample", str(folder), "-n", "4", "-o", str(folder.parent / "x.png")]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert f"setting 'latent_dim' is {value}; sizes and counts are at most" in line and "Overflow" not in line
