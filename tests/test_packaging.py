"""Every built-in flavour's folder is installed by a plain (non-editable) install."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_plugin_folder_and_core_package_is_listed_for_installation() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(settings["packages"])
    plugins = {f"zoo_plugins.{folder.name}" for folder in (ROOT / "plugins").iterdir() if (folder / "__init__.py").is_file()}
    core = {
        ".".join(folder.relative_to(ROOT).parts)
        for folder in (ROOT / "zoo").rglob("*")
        if (folder / "__init__.py").is_file() and "__pycache__" not in folder.parts
    }
    missing = sorted((plugins | core | {"zoo"}) - listed)
    assert not missing, f"pyproject.toml [tool.setuptools] packages lacks {missing}: a plain install would leave them out"
