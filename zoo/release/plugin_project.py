"""A plugin's source folder (as ``zoo new-plugin`` writes it): its distribution, plugins and package folder."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from zoo.errors import ZooError
from zoo.core.homes import CATALOG_FILE, WEIGHTS_FOLDER, top_package


@dataclass(frozen=True)
class PluginProject:
    """What ``pyproject.toml`` of a plugin folder declares, and where its package lives."""

    folder: Path
    distribution: str
    plugins: dict[str, str]  # entry-point name -> module
    package: Path

    @property
    def catalog(self) -> Path:
        return self.package / CATALOG_FILE

    @property
    def hub(self) -> Path:
        return self.package / WEIGHTS_FOLDER


def read_plugin_project(folder: str | Path) -> PluginProject:
    """Read ``folder/pyproject.toml``; refuse a folder that is not a zoo plugin's source."""
    folder = Path(folder)
    pyproject = folder / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ZooError(
            f"{folder} is not a plugin folder: cannot read {pyproject} ({exc}); pass the folder `zoo new-plugin` made"
        ) from None
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    plugins = (project.get("entry-points") or {}).get("zoo") or {}
    if not isinstance(project.get("name"), str) or not isinstance(plugins, dict) or not plugins:
        raise ZooError(f"{pyproject} declares no [project.entry-points.zoo] plugin; pass the folder `zoo new-plugin` made")
    tops = {top_package(str(module)) for module in plugins.values()}
    if len(tops) != 1:
        raise ZooError(f"{pyproject}: the plugins live in several packages ({', '.join(sorted(tops))}); export --into needs one")
    (top,) = tops
    for package in (folder / top, folder / "src" / top):
        if (package / "__init__.py").is_file():
            return PluginProject(folder, project["name"], {str(k): str(v) for k, v in plugins.items()}, package)
    raise ZooError(f"{folder} has no package folder {top}/ (or src/{top}/) with an __init__.py")
