"""The catalog is only written from the file itself, under a lock, atomically; its revisions are
branch names or commits; a catalog that cannot be read is named."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import torch

import zoo
import zoo.core.registry
from conftest import CATALOG, REPO_ROOT
from zoo.cli import main
from zoo.core.catalog import parse_cache_dir, parse_catalog, read_catalog, upsert_entries
from zoo.core.plugins import PluginWarning
from zoo.errors import CatalogError
from zoo.evaluate.bench import BenchResult, Row

MODEL = "cgan-mnist"
ATTACKER_REPO = "attacker/evil-weights"
ATTACKER_SHA = "e" * 64


def poison_parse_cache(catalog: Path) -> None:
    """Edit the cached parse of ``catalog`` so that it pins ``MODEL`` to the attacker's repo and sha256."""
    read_catalog(catalog)  # fills the cache
    (cached,) = parse_cache_dir().glob("registry-*.json")
    copy = json.loads(cached.read_text())
    hub = copy["tables"]["models"][MODEL]["hub"]
    hub["repo"] = ATTACKER_REPO
    hub["files"]["model.safetensors"] = ATTACKER_SHA
    cached.write_text(json.dumps(copy))
    assert read_catalog(catalog)[MODEL].pins.repo == ATTACKER_REPO  # the listing does read the cache


def test_bench_record_writes_the_files_pins_not_the_parse_caches(builtin_catalog, tmp_path, monkeypatch):
    from zoo.release.record import record

    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    builtin_catalog.write_bytes(CATALOG.read_bytes())
    poison_parse_cache(builtin_catalog)
    pinned = parse_catalog(CATALOG.read_text())[MODEL].pins
    row = Row(MODEL, "model", "gan", {"fid": 1.5}, torch.zeros(1, 1, 28, 28), dataset="mnist")

    settings = {"command": "zoo bench (test)", "reference": "test split", "feature_network": "a classifier",
                "kid": "100 samples", "precision_recall": "k=3", "samples": 100, "seed": 0, "batch_size": 10,
                "device": "cpu", "torch": torch.__version__, "date": "today"}
    (outcome,) = record(BenchResult(settings, [row]))

    assert outcome.problem is None and outcome.catalog == builtin_catalog.resolve()
    written = parse_catalog(builtin_catalog.read_text(), str(builtin_catalog))[MODEL]
    assert written.pins == pinned and ATTACKER_REPO not in builtin_catalog.read_text()
    assert written.bench["fid"] == 1.5


def entry(name: str):
    base = parse_catalog(CATALOG.read_text())[MODEL]
    return replace(base, name=name, metrics={}, training={}, bench={})


WRITER = """
import sys
from dataclasses import replace
from pathlib import Path
from zoo.core.catalog import parse_catalog, upsert_entries

path, tag = Path(sys.argv[1]), sys.argv[2]
base = parse_catalog(Path(sys.argv[3]).read_text())["cgan-mnist"]
for index in range(40):
    upsert_entries(path, [replace(base, name=f"{tag}-{index}", metrics={}, training={}, bench={})])
"""


def test_concurrent_catalog_writers_keep_every_entry(tmp_path):
    catalog = tmp_path / "registry.toml"
    upsert_entries(catalog, [entry("first")])
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(catalog), tag, str(CATALOG)], cwd=REPO_ROOT)
        for tag in ("a", "b", "c")
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0, 0]
    names = set(parse_catalog(catalog.read_text()))
    assert names == {"first"} | {f"{tag}-{index}" for tag in "abc" for index in range(40)}
    assert [p.name for p in tmp_path.iterdir()] == ["registry.toml"]  # no lock or temporary file left


@pytest.mark.parametrize(
    "revision",
    ["../../../../victim/authorized_keys", "/etc/passwd", "main/../../x", "a b", "main\n", "-rf", "x" * 200, ""],
)
def test_a_revision_that_is_not_a_branch_or_commit_is_refused_naming_the_field(revision):
    text = CATALOG.read_text()
    base = parse_catalog(text)[MODEL]
    from zoo.core.catalog import format_entry

    block = format_entry(replace(base, pins=replace(base.pins, revision=revision)))
    with pytest.raises(CatalogError, match=r"entry 'cgan-mnist': field 'hub.revision'"):
        parse_catalog(block, "evil.toml")


@pytest.mark.parametrize("revision", ["main", "v1.0", "refs/pr/1", "0123456789abcdef0123456789abcdef01234567"])
def test_branch_names_and_commits_are_revisions(revision):
    base = parse_catalog(CATALOG.read_text())[MODEL]
    from zoo.core.catalog import format_entry

    block = format_entry(replace(base, pins=replace(base.pins, revision=revision)))
    assert parse_catalog(block)[MODEL].pins.revision == revision


def test_a_catalog_that_is_not_utf8_is_named(builtin_catalog, capsys, monkeypatch):
    builtin_catalog.write_bytes(CATALOG.read_bytes() + "\n# caf\xe9\n".encode("latin-1"))
    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    [line] = err.strip().splitlines()
    assert str(builtin_catalog) in line and "not UTF-8" in line


def test_a_catalog_that_is_not_utf8_is_a_warning_naming_it(builtin_catalog):
    builtin_catalog.write_bytes(b"\xff\xfe" + CATALOG.read_bytes())
    with pytest.warns(PluginWarning, match=str(builtin_catalog)):
        zoo.core.registry.get_registry()
