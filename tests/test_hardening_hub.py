"""A file that is not cached and cannot be fetched is explained by what happened: offline mode, a hub
that answered with an error, or a hub that could not be reached; each says what to do."""
from __future__ import annotations

import socket
import time

import pytest

import zoo
from zoo.hub.resolve import resolve
from zoo.core.spec import PinnedFiles

from hub_server import HubServer, hub_server  # noqa: F401 - hub_server is a fixture
from test_hub import REPO, WEIGHTS, _NoWaitTime, hf_cache, publish, safetensors_bytes  # noqa: F401 - hf_cache too


@pytest.fixture
def no_retry_pauses(hf_cache, monkeypatch) -> _NoWaitTime:  # noqa: F811
    """The client retries a failing hub with pauses of up to 8 s: record them instead of sleeping."""
    from huggingface_hub.utils import _http

    pauses = _NoWaitTime()
    monkeypatch.setattr(_http, "time", pauses)
    return pauses


def closed_port_url() -> str:
    """The URL of a local port that nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def pinned_nowhere() -> PinnedFiles:
    """A pin of a file no hub has: the request fails before any file is found."""
    return PinnedFiles(repo=REPO, revision="main", files={WEIGHTS: "0" * 64}, weights=WEIGHTS)


def refusal(pins: PinnedFiles) -> str:
    started = time.monotonic()
    with pytest.raises(zoo.HubError) as excinfo:
        resolve(pins)
    assert time.monotonic() - started < 10, "retry pauses were slept"
    return str(excinfo.value)


@pytest.mark.parametrize("status", [500, 503])
def test_a_hub_answering_with_a_server_error_says_so(hub_server, no_retry_pauses, monkeypatch, status):  # noqa: F811
    pins = publish(hub_server, safetensors_bytes(1))
    hub_server.set_fault(REPO, WEIGHTS, status=status)
    monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
    message = refusal(pins)
    assert f"{hub_server.url} ({REPO}@main) answered with an error (HTTP {status}) for {WEIGHTS}" in message
    assert "try again later" in message and "ZOO_HUB" in message
    assert "offline" not in message.lower() and "HF_HUB_OFFLINE" not in message


def test_an_unreachable_hf_endpoint_says_it_could_not_be_reached(no_retry_pauses, monkeypatch):
    endpoint = closed_port_url()
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    message = refusal(pinned_nowhere())
    assert f"could not reach {endpoint} ({REPO}@main) to fetch {WEIGHTS}" in message
    assert "check the network and HF_ENDPOINT" in message and "ZOO_HUB" in message
    assert "offline" not in message.lower()


def test_an_unreachable_zoo_hub_url_is_named_with_its_setting(no_retry_pauses, monkeypatch):
    zoo_hub, endpoint = closed_port_url(), closed_port_url()
    monkeypatch.setenv("ZOO_HUB", zoo_hub)
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    message = refusal(pinned_nowhere())
    assert f"ZOO_HUB {zoo_hub}: could not reach {zoo_hub}" in message and "check the network and ZOO_HUB" in message
    assert f"could not reach {endpoint}" in message and "check the network and HF_ENDPOINT" in message


def test_offline_mode_says_so_and_how_to_go_online(hub_server, no_retry_pauses, monkeypatch):  # noqa: F811
    from huggingface_hub import constants

    pins = publish(hub_server, safetensors_bytes(2))
    monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    message = refusal(pins)
    assert "not cached and offline mode is on (HF_HUB_OFFLINE is set): unset HF_HUB_OFFLINE" in message
    assert hub_server.requests == []
