"""The README's commands are the ones CI runs, and the docs cover every CLI command."""
from __future__ import annotations

from conftest import REPO_ROOT

from zoo.cli import COMMANDS

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    ci_command = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci_command in README


def test_readme_documents_every_cli_command():
    missing = [name for name in COMMANDS if f"zoo {name}" not in README]
    assert not missing, f"README.md does not mention: {missing}"


def test_readme_lists_every_pretrained_model_with_its_card():
    from zoo.catalog import read_catalog
    from conftest import CATALOG as CATALOG_PATH

    published = [name for name in read_catalog(CATALOG_PATH) if name != "mnist-classifier"]
    missing = [name for name in published if f"[`{name}`](hub/generative-zoo/{name}/README.md)" not in README]
    assert not missing, f"README.md's model tables lack: {missing}"
