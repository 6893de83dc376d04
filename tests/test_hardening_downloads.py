"""A hostile hub cannot steer where the cache writes, fill the disk or hang a download: revisions are
branch names or commits, answers with crafted headers, false or endless lengths and slow trickles are
refused with one message, and nothing is left behind."""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

import zoo
from zoo.hub.guard import HubAnswerRefused
from zoo.hub.resolve import resolve

from hub_server import HubServer, hub_server  # noqa: F401 - hub_server is a fixture
from test_hub import REPO, WEIGHTS, hf_cache, leftovers, online, publish, safetensors_bytes  # noqa: F401 - fixtures

TRAVERSAL = "../../../../victim/authorized_keys"


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """The file a path traversal out of the HF cache would reach (``tmp_path/victim/authorized_keys``)."""
    path = tmp_path / "victim" / "authorized_keys"
    path.parent.mkdir()
    path.write_text("ssh-ed25519 AAAA the owner's key\n")
    return path


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_pinned_revision_that_climbs_out_of_the_cache_is_refused_before_any_request(online, victim):
    pins = replace(publish(online, safetensors_bytes(1)), revision=TRAVERSAL)
    with pytest.raises(zoo.HubError, match="branch name .* or a 40-hex commit"):
        resolve(pins)
    assert online.requests == [] and victim.read_text().startswith("ssh-ed25519")


@pytest.mark.parametrize("missing", [False, True], ids=["file", "missing-file"])
def test_a_crafted_commit_header_is_refused_and_nothing_is_written_with_it(online, hf_cache, victim, missing):
    pins = publish(online, safetensors_bytes(1))
    filename = "absent.safetensors" if missing else WEIGHTS
    pins = replace(pins, files={**pins.files, filename: "0" * 64}, weights=filename)
    online.set_fault(REPO, filename, commit="../../../../victim")
    with pytest.raises(HubAnswerRefused, match="not a 40-hex commit"):
        resolve(pins)
    assert victim.read_text().startswith("ssh-ed25519") and not (victim.parent / filename).exists()
    assert not any(p.name == filename for p in files_under(hf_cache))


def test_a_crafted_etag_is_refused(online, hf_cache, victim):
    pins = publish(online, safetensors_bytes(1))
    online.set_fault(REPO, WEIGHTS, etag='"../../../../victim/authorized_keys"')
    with pytest.raises(HubAnswerRefused, match="ETag"):
        resolve(pins)
    assert victim.read_text().startswith("ssh-ed25519") and files_under(hf_cache / "hub") == []


def test_a_false_huge_length_is_refused_before_downloading(online, hf_cache):
    pins = publish(online, safetensors_bytes(1))
    online.set_fault(REPO, WEIGHTS, length=40 * 2**30)
    with pytest.raises(HubAnswerRefused, match=r"declared .* 42949672960 bytes long .*ZOO_HUB_MAX_MB"):
        resolve(pins)
    assert online.requests_for(REPO, WEIGHTS, "GET") == [] and leftovers(hf_cache) == []


def test_an_endless_body_is_cut_at_the_bound_and_nothing_is_kept(online, hf_cache, monkeypatch):
    monkeypatch.setenv("ZOO_HUB_MAX_MB", "1")
    pins = publish(online, safetensors_bytes(1))
    online.set_fault(REPO, WEIGHTS, endless=True)
    with pytest.raises(HubAnswerRefused, match=r"more than 1 MB .*ZOO_HUB_MAX_MB"):
        resolve(pins)
    assert leftovers(hf_cache) == [] and not any(p.stat().st_size > 0 for p in files_under(hf_cache / "blobs"))


def test_a_body_longer_than_its_length_gives_only_the_announced_bytes(online, hf_cache):
    data = safetensors_bytes(1)
    pins = publish(online, data)
    online.set_fault(REPO, WEIGHTS, extra=8 * 2**20)
    found = resolve(pins)
    assert found.path.read_bytes() == data and leftovers(hf_cache) == []


def test_a_slow_trickle_is_stopped_at_the_timeout(online, hf_cache, monkeypatch):
    monkeypatch.setenv("ZOO_HUB_TIMEOUT", "1")
    pins = publish(online, safetensors_bytes(1))
    online.set_fault(REPO, WEIGHTS, drip_s=0.05)
    started = time.monotonic()
    with pytest.raises(HubAnswerRefused, match=r"more than 1 s .*ZOO_HUB_TIMEOUT"):
        resolve(pins)
    assert time.monotonic() - started < 10 and leftovers(hf_cache) == []


@pytest.mark.parametrize("value", ["0", "-5", "lots", "inf"])
def test_a_bound_that_is_not_a_positive_number_is_refused(online, monkeypatch, value):
    monkeypatch.setenv("ZOO_HUB_TIMEOUT", value)
    with pytest.raises(zoo.HubError, match=f"ZOO_HUB_TIMEOUT must be a positive number, got '{value}'"):
        resolve(publish(online, safetensors_bytes(1)))


def test_the_fetched_commit_is_reported(online):
    found = resolve(publish(online, safetensors_bytes(1)))
    assert found.commit == online.commit(REPO)
