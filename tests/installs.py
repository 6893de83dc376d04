"""Plain installs for tests: wheels built from a copy of this clone, and fresh environments to install them in.

A fresh environment is a new venv whose own site-packages comes first; the test
environment's site-packages is appended (through a ``.pth`` line) so that torch
and the other dependencies need not be installed again. Its ``.pth`` files are
not run, so the clone's editable install stays invisible: ``import zoo`` finds
the installed wheel.

The zoo's own wheels come from the session fixture ``wheels`` in conftest.py.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path


REPO_ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "runs", "bench", "exports"
)


def run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None, check: bool = True,
        timeout: int = 300) -> subprocess.CompletedProcess:
    """Run a command with a clean zoo environment (no ZOO_*, no pytest variables) plus ``env``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ZOO_", "PYTEST_", "HF_"))}
    base.update(OMP_NUM_THREADS="1", PIP_DISABLE_PIP_VERSION_CHECK="1", HF_HUB_DISABLE_TELEMETRY="1",
                NO_PROXY="127.0.0.1,localhost", **(env or {}))
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=base, capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result


def build_wheels(projects: list[Path], out: Path) -> list[Path]:
    """``pip wheel`` each project folder (offline, no build isolation) into ``out``, the files stored
    uncompressed: the weights' 139 MB barely deflate, and building and installing skip the work."""
    out.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", out,
         "--config-settings=--build-option=--compression=stored", *projects], cwd=out)
    return sorted(out.glob("*.whl"))


def fresh_env(root: Path, wheels: list[Path]) -> Path:
    """A new venv at ``root`` with ``wheels`` installed; returns its ``bin`` folder."""
    run([sys.executable, "-m", "venv", "--without-pip", root], cwd=root.parent)
    python = root / "bin" / "python"
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                       cwd=root).stdout.strip())
    (purelib / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install(root / "bin", wheels)
    return root / "bin"


def install(bin_dir: Path, wheels: list[Path]) -> None:
    run([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--no-deps", "--no-index", "-q",
         *wheels], cwd=bin_dir)


def site_packages(bin_dir: Path) -> Path:
    return Path(run([bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    cwd=bin_dir).stdout.strip())

