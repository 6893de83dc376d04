"""Listing models must not import torch, the hub client or importlib.metadata, which
alone costs more than the rest of ``zoo list`` (fresh interpreters)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

HEAVY = ("torch", "torchvision", "huggingface_hub", "importlib.metadata")


def run_python(args: list[str], cwd, timeout: int = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOO_")}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def check_lazy(body: str, cwd) -> str:
    script = textwrap.dedent(body) + textwrap.dedent(
        f"""
        import sys
        heavy = [m for m in {HEAVY!r} if m in sys.modules]
        assert not heavy, f"imported eagerly: {{heavy}}"
        print("LAZY-OK")
        """
    )
    result = run_python(["-c", script], cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "LAZY-OK" in result.stdout
    return result.stdout


def test_import_and_list_models_do_not_import_torch(tmp_path) -> None:
    out = check_lazy(
        """
        import zoo
        names = zoo.list_models()
        assert "dcgan-mnist" in names, names
        assert "mnist-classifier" in names, names
        zoo.core.registry.get_spec("dcgan-mnist")
        """,
        tmp_path,
    )
    assert "LAZY-OK" in out


def test_cli_list_does_not_import_torch(tmp_path) -> None:
    out = check_lazy(
        """
        import zoo.cli.commands
        assert zoo.cli.commands.main(["list"]) == 0
        """,
        tmp_path,
    )
    assert "dcgan-mnist" in out
    assert "mnist-classifier" in out


def test_python_m_zoo_cli_list_does_not_import_torch(tmp_path) -> None:
    result = run_python(["-X", "importtime", "-m", "zoo.cli", "list"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "dcgan-mnist" in result.stdout
    # -X importtime logs every imported module on stderr as "... | <module>".
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "zoo.core.registry" in imported  # the log is really there
    heavy = sorted(m for m in imported if m.split(".")[0] in HEAVY)
    assert not heavy, f"`zoo list` imported {heavy}"


# Packages that loading and sampling must never import (tqdm is not among them:
# torch itself imports it).
TRAINING_STACK = ("zoo.train", "zoo.evaluate", "zoo.release", "zoo.cli")


def test_loading_and_sampling_import_nothing_of_training_benching_or_reporting(tmp_path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        import zoo
        from zoo.models.capabilities import Capability, can
        sampled = set()
        for name in zoo.list_models():
            spec = zoo.core.registry.get_spec(name)
            if spec.pins is None:
                continue
            model = zoo.load(name)
            if can(model, Capability.SAMPLE) and type(model) not in sampled:
                sampled.add(type(model))  # one draw per model class covers its sampling code
                model.sample(1, seed=0)
        loaded = sorted(m for m in sys.modules if m.startswith(tuple(p + "." for p in {TRAINING_STACK!r})))
        print("LOADED", loaded)
        """
    )
    result = run_python(["-c", script], tmp_path, timeout=600)  # a guard against a hang, not a speed target
    assert result.returncode == 0, result.stdout + result.stderr
    assert "LOADED []" in result.stdout, result.stdout
