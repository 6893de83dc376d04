"""Hub repos by name: a folder made by ``zoo export`` and pushed with ``zoo push`` to a local hub loads as
``hf-hub:OWNER/NAME@COMMIT``, built by an installed plugin from its config and safetensors only, with the
checks of an untrusted folder; a branch loads with a warning naming the commit and sha256 to pin, and
is refused when ZOO_STRICT_PINS is set."""
from __future__ import annotations

import hashlib
import json
import warnings

import pytest
import torch

import zoo
from zoo.cli import main
from zoo.hub.remote import UnpinnedWarning
from zoo.release.publish import export_run
from zoo.release.push import push_folder

from hub_server import HubServer, hub_server  # noqa: F401 - hub_server is a fixture
from test_hub import hf_cache  # noqa: F401 - a fixture
from test_untrusted_folders import folder  # noqa: F401 - a fixture

REPO = "alice/tiny-dcgan"


@pytest.fixture
def pushed(folder, tmp_path, hub_server, hf_cache, monkeypatch):  # noqa: F811
    """The tiny model exported and pushed to the local hub; returns its commit."""
    monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
    monkeypatch.delenv("ZOO_STRICT_PINS", raising=False)
    exported = tmp_path / "export"
    export_run(folder, exported, repo=REPO, with_metrics=False)
    result = push_folder(exported, REPO, token="hf_test")
    assert result.revision == hub_server.commit(REPO)
    return result.revision


def test_a_pushed_repo_loads_by_commit_and_samples_as_the_folder_does(pushed, folder, hub_server, caplog):  # noqa: F811
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnpinnedWarning)
        with caplog.at_level("INFO", logger="zoo.hub.remote"):
            model = zoo.load(f"hf-hub:{REPO}@{pushed}")
    assert torch.equal(model.sample(4, seed=0), zoo.load(folder).sample(4, seed=0))
    sha = hashlib.sha256((hub_server.root / REPO / "model.safetensors").read_bytes()).hexdigest()
    assert f"hf-hub:{REPO}@{pushed}" in caplog.text and sha in caplog.text
    fetched = {r.path.rsplit("/", 1)[1] for r in hub_server.requests if "/resolve/" in r.path}
    assert fetched == {"config.json", "model.safetensors"}  # never the card, never code


def test_a_branch_loads_with_a_warning_naming_the_commit_and_sha256(pushed, hub_server):
    sha = hashlib.sha256((hub_server.root / REPO / "model.safetensors").read_bytes()).hexdigest()
    with pytest.warns(UnpinnedWarning) as record:
        zoo.load(f"hf-hub:{REPO}")
    [message] = [str(w.message) for w in record]
    assert f"hf-hub:{REPO}@main is not pinned" in message and pushed in message and sha in message
    assert f"load hf-hub:{REPO}@{pushed} to pin it" in message


def test_strict_pins_refuse_a_branch_before_any_request(pushed, hub_server, monkeypatch):
    monkeypatch.setenv("ZOO_STRICT_PINS", "1")
    before = len(hub_server.requests)
    with pytest.raises(zoo.HubError, match="not a commit, and ZOO_STRICT_PINS is set"):
        zoo.load(f"hf-hub:{REPO}@main")
    assert len(hub_server.requests) == before


def test_the_command_line_samples_a_hub_repo(pushed, tmp_path, capsys):
    out = tmp_path / "x.png"
    assert main(["sample", f"hf-hub:{REPO}@{pushed}", "-n", "4", "-o", str(out)]) == 0
    assert out.is_file()
    assert main(["sample", f"hf-hub:{REPO}", "-n", "4", "-o", str(out)]) == 0
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("zoo: warning: ") and pushed in line


@pytest.mark.parametrize("reference", ["hf-hub:alice", "hf-hub:alice/x/y@main", "hf-hub:alice/x@../../etc",
                                       "hf-hub:alice/x@main;rm -rf"])
def test_a_malformed_reference_is_refused_before_any_request(hub_server, hf_cache, monkeypatch, reference):  # noqa: F811
    monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
    with pytest.raises(zoo.HubError, match="hf-hub:"):
        zoo.load(reference)
    assert hub_server.requests == []


def test_a_hub_repo_gets_the_checks_of_an_untrusted_folder(pushed, hub_server):
    config_path = hub_server.root / REPO / "config.json"
    config = json.loads(config_path.read_text())
    config["config"]["latent_dim"] = config["config"]["latent_dim"] + 1
    hub_server.add_file(REPO, "config.json", json.dumps(config).encode())
    with pytest.raises(zoo.errors.CatalogError, match="do not fit the architecture"):
        zoo.load(f"hf-hub:{REPO}@main")


def test_push_of_a_plugins_hub_folder_pins_the_commit_it_made_in_the_catalog(
    folder, tmp_path, hub_server, hf_cache, monkeypatch, capsys  # noqa: F811
):
    from zoo.core.catalog import parse_catalog, upsert_entries

    monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
    home = tmp_path / "zoo_alice"
    hub = home / "hub" / REPO
    exported = export_run(folder, hub, repo=REPO, with_metrics=False)
    catalog = home / "registry.toml"
    upsert_entries(catalog, [exported.entry])
    assert parse_catalog(catalog.read_text())[exported.entry.name].pins.revision == "main"
    assert main(["push", str(hub), "--repo", REPO]) == 0
    commit = hub_server.commit(REPO)
    assert f"pinned commit {commit} in {catalog}" in capsys.readouterr().out
    assert parse_catalog(catalog.read_text())[exported.entry.name].pins.revision == commit


def test_export_of_the_same_weights_keeps_the_pushed_commit_and_record_never_writes_main(tmp_path):
    from dataclasses import replace

    from conftest import CATALOG
    from zoo.core.catalog import parse_catalog, update_entries, upsert_entries

    base = parse_catalog(CATALOG.read_text())["cgan-mnist"]
    commit = "0123456789abcdef0123456789abcdef01234567"
    catalog = tmp_path / "registry.toml"
    upsert_entries(catalog, [replace(base, pins=replace(base.pins, revision=commit))])
    upsert_entries(catalog, [replace(base, pins=replace(base.pins, revision="main"))])  # exported again
    assert parse_catalog(catalog.read_text())["cgan-mnist"].pins.revision == commit
    update_entries(catalog, lambda entries: [replace(entries["cgan-mnist"], bench={"fid": 1.0})])  # --record
    assert parse_catalog(catalog.read_text())["cgan-mnist"].pins.revision == commit
    other = dict(base.pins.files, **{"model.safetensors": "f" * 64})
    upsert_entries(catalog, [replace(base, pins=replace(base.pins, revision="main", files=other))])  # new weights
    assert parse_catalog(catalog.read_text())["cgan-mnist"].pins.revision == "main"
