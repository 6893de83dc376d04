"""Entry points read from metadata folders agree with importlib.metadata."""
from __future__ import annotations

import importlib.metadata as metadata
import sys
from pathlib import Path

import pytest

from zoo.core import entry_points


def dist_info(directory: Path, name: str, version: str, lines: str, kind: str = ".dist-info") -> Path:
    folder = directory / f"{name.replace('-', '_')}-{version}{kind}"
    folder.mkdir(parents=True)
    header = "PKG-INFO" if kind == ".egg-info" else "METADATA"
    (folder / header).write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nName: not-a-header\n", encoding="utf-8")
    (folder / "entry_points.txt").write_text(lines, encoding="utf-8")
    return folder


def test_agrees_with_importlib_metadata_on_this_environment():
    for group in ("console_scripts", "pytest11"):
        expected = sorted((ep.name, ep.value, ep.dist.metadata["Name"], ep.dist.version) for ep in metadata.entry_points(group=group))
        found = sorted((ep.name, ep.value, ep.distribution, ep.version) for ep in entry_points.entry_points(group))
        assert found == expected
    assert entry_points.version("generative-zoo") == metadata.version("generative-zoo")
    assert entry_points.version("no-such-distribution") is None


def test_groups_comments_and_egg_info(tmp_path):
    dist_info(tmp_path, "zoo-a", "1.0", "# a comment\n[zoo]\na = pkg_a\n\n; another\n[other]\nb = x:y\n")
    dist_info(tmp_path, "zoo-b", "2.0", "[zoo]\n b = pkg_b.plugins:hooks [extra] \n", kind=".egg-info")
    found = sorted(entry_points.entry_points("zoo", [str(tmp_path)]), key=lambda ep: ep.name)
    assert [(ep.name, ep.value, ep.distribution, ep.version) for ep in found] == [
        ("a", "pkg_a", "zoo-a", "1.0"),
        ("b", "pkg_b.plugins:hooks [extra]", "zoo-b", "2.0"),
    ]
    assert [ep.name for ep in entry_points.entry_points("other", [str(tmp_path)])] == ["b"]


def test_the_first_copy_of_a_distribution_on_the_path_shadows_later_ones(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    dist_info(first, "zoo-a", "2.0", "[zoo]\nnew = pkg_new\n")
    dist_info(second, "Zoo_A", "1.0", "[zoo]\nold = pkg_old\n")
    dist_info(second, "zoo-c", "1.0", "[zoo]\nc = pkg_c\n")
    paths = [str(tmp_path / "missing"), str(first), str(second)]
    assert sorted(ep.name for ep in entry_points.entry_points("zoo", paths)) == ["c", "new"]
    assert entry_points.version("ZOO.A", paths) == "2.0"
    importlib_view = {dist.metadata["Name"] for dist in metadata.distributions(path=paths)}
    assert {"zoo-a", "Zoo_A", "zoo-c"} == importlib_view  # importlib sees both copies; its entry_points() keeps the first


def test_load_resolves_module_and_attribute_path(tmp_path, monkeypatch):
    package = tmp_path / "pkg_load"
    package.mkdir()
    (package / "__init__.py").write_text("class Hooks:\n    class Inner:\n        pass\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    point = entry_points.EntryPoint("x", "pkg_load:Hooks.Inner", "zoo", "dist", "1")
    assert point.load() is sys.modules["pkg_load"].Hooks.Inner
    assert entry_points.EntryPoint("x", "pkg_load", "zoo", "dist", "1").load() is sys.modules["pkg_load"]
    with pytest.raises(ModuleNotFoundError):
        entry_points.EntryPoint("x", "no_such_module_here:x", "zoo", "dist", "1").load()
