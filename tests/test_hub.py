"""zoo.hub.resolve.resolve against a local hub speaking the resolve protocol, through the real huggingface_hub client.

Online tests run in this process with huggingface_hub's import-time settings (cache folder, offline
flag, token path) pointed at tmp_path; offline mode, HF_ENDPOINT and concurrent downloads run in
fresh subprocesses that read the environment the way a user's process would.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load as load_safetensors
from safetensors.numpy import save as save_safetensors

import zoo
from zoo.hub import resolve as zoo_hub
from zoo.hub.resolve import resolve, sha256_of
from zoo.core.spec import PinnedFiles

from hub_server import HubServer, corrupted, hub_server  # noqa: F401 - hub_server is a fixture

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REPO = "zoo-tests/tiny-dcgan"
WEIGHTS = "model.safetensors"


# -- helpers -----------------------------------------------------------------------------------


def safetensors_bytes(seed: int, size: int = 4096) -> bytes:
    """A small, valid safetensors file; different seeds give different bytes."""
    rng = np.random.default_rng(seed)
    return save_safetensors({"weight": rng.standard_normal(size).astype(np.float32), "bias": np.arange(4.0)})


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_file(root: Path, repo: str, filename: str, data: bytes) -> Path:
    path = root / repo / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def repo_cache(cache: Path, repo: str = REPO) -> Path:
    return cache / ("models--" + repo.replace("/", "--"))


def blobs(cache: Path, repo: str = REPO) -> list[Path]:
    folder = repo_cache(cache, repo) / "blobs"
    return sorted(p for p in folder.iterdir()) if folder.is_dir() else []


def leftovers(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*") if p.name.endswith(".incomplete")]


def cached_copy(cache: Path, pins: PinnedFiles, filename: str = WEIGHTS) -> object:
    from huggingface_hub import try_to_load_from_cache

    return try_to_load_from_cache(pins.repo, filename, cache_dir=cache, revision=pins.revision)


# -- fixtures ----------------------------------------------------------------------------------


class _NoWaitTime:
    """``time`` for huggingface_hub's modules, with retry pauses recorded instead of slept."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def __getattr__(self, name: str) -> object:
        return getattr(time, name)


@pytest.fixture
def hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HF_HOME for this test, in the environment and in huggingface_hub's constants."""
    from huggingface_hub import constants, file_download
    from huggingface_hub.utils import _http

    home = tmp_path / "hf-home"
    cache = home / "hub"
    for name in ("HF_TOKEN", "HF_ENDPOINT", "HF_HUB_OFFLINE", "ZOO_HUB", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_HOME", str(home))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(home / "token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(home / "stored_tokens"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_PROGRESS_BARS", True)
    monkeypatch.setattr(file_download, "time", _NoWaitTime())
    monkeypatch.setattr(_http, "time", _NoWaitTime())  # http_backoff: up to 23 s of pauses per unreachable file
    return cache


@pytest.fixture
def online(hub_server: HubServer, hf_cache: Path, monkeypatch: pytest.MonkeyPatch) -> HubServer:  # noqa: F811
    monkeypatch.setenv("ZOO_HUB", hub_server.url)
    return hub_server


def publish(server: HubServer, data: bytes, filename: str = WEIGHTS, revision: str = "main",
            extra: dict[str, str] | None = None) -> PinnedFiles:
    """Put ``data`` on the server and pin it in a PinnedFiles."""
    files = {filename: server.add_file(REPO, filename, data), **(extra or {})}
    return PinnedFiles(repo=REPO, revision=revision, files=files, weights=filename)


RESOLVE_SCRIPT = """
import json, sys
from zoo.errors import ZooError
from zoo.hub.resolve import resolve
from zoo.core.spec import PinnedFiles

spec = json.loads(sys.argv[1])
try:
    found = resolve(PinnedFiles(**spec["pins"]), spec["filename"])
except ZooError as exc:
    print(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
else:
    print(json.dumps({"path": str(found.path), "source": found.source}))
"""


def resolve_command(pins: PinnedFiles, filename: str | None = None) -> list[str]:
    spec = {
        "pins": {"repo": pins.repo, "revision": pins.revision, "files": dict(pins.files),
                       "weights": pins.weights},
        "filename": filename,
    }
    return [sys.executable, "-c", RESOLVE_SCRIPT, json.dumps(spec)]


def subprocess_env(cache: Path, **settings: str) -> dict[str, str]:
    """The caller's environment without hub, zoo or proxy settings, plus ``settings``."""
    env = {
        k: v for k, v in os.environ.items()
        if not k.startswith(("HF_", "HUGGINGFACE_", "ZOO_")) and "proxy" not in k.lower()
    }
    env.update(
        HF_HOME=str(cache.parent), HF_HUB_CACHE=str(cache), HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_HUB_DISABLE_TELEMETRY="1", NO_PROXY="127.0.0.1,localhost", PYTHONPATH=str(PROJECT_ROOT),
    )
    env.update(settings)
    return env


def parse(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, f"resolve crashed:\n{proc.stderr}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


def resolve_in_subprocess(pins: PinnedFiles, env: dict[str, str], filename: str | None = None) -> dict:
    proc = subprocess.run(resolve_command(pins, filename), env=env, capture_output=True, text=True,
                          timeout=60, cwd=PROJECT_ROOT)
    return parse(proc)


# -- the test server itself --------------------------------------------------------------------


def _fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_server_speaks_the_resolve_protocol(hub_server: HubServer) -> None:  # noqa: F811
    data = bytes(range(256)) * 4
    sha = hub_server.add_file(REPO, WEIGHTS, data)
    commit = hub_server.commit(REPO)
    base = f"{hub_server.url}/{REPO}/resolve"

    for revision in ("main", commit):
        status, headers, body = _fetch(f"{base}/{revision}/{WEIGHTS}", "HEAD")
        assert (status, body) == (200, b"")
        assert headers["X-Repo-Commit"] == commit
        assert headers["ETag"] == f'"{sha}"'
        assert headers["Content-Length"] == str(len(data))

    status, headers, body = _fetch(f"{base}/main/{WEIGHTS}")
    assert (status, body) == (200, data)
    status, headers, body = _fetch(f"{base}/main/{WEIGHTS}", headers={"Range": "bytes=1000-"})
    assert (status, body) == (206, data[1000:])
    assert headers["Content-Range"] == f"bytes 1000-{len(data) - 1}/{len(data)}"
    assert headers["Content-Length"] == str(len(data) - 1000)

    status, headers, _ = _fetch(f"{base}/main/absent.bin", "HEAD")
    assert (status, headers["X-Error-Code"], headers["X-Repo-Commit"]) == (404, "EntryNotFound", commit)
    status, headers, _ = _fetch(f"{hub_server.url}/nobody/nothing/resolve/main/{WEIGHTS}", "HEAD")
    assert (status, headers["X-Error-Code"]) == (404, "RepoNotFound")
    status, headers, _ = _fetch(f"{base}/v9/{WEIGHTS}", "HEAD")
    assert (status, headers["X-Error-Code"]) == (404, "RevisionNotFound")

    hub_server.set_fault(REPO, WEIGHTS, corrupt=True)
    status, headers, body = _fetch(f"{base}/main/{WEIGHTS}")
    assert status == 200 and len(body) == len(data) and sha256(body) != sha and headers["ETag"] == f'"{sha}"'
    hub_server.set_fault(REPO, WEIGHTS, truncate_at=100)
    with pytest.raises(Exception) as excinfo:  # urllib reports the short body as IncompleteRead
        _fetch(f"{base}/main/{WEIGHTS}")
    assert "IncompleteRead" in type(excinfo.value).__name__ or "incomplete" in str(excinfo.value).lower()

    methods = [(r.method, r.path) for r in hub_server.requests]
    assert methods[0] == ("HEAD", f"/{REPO}/resolve/main/{WEIGHTS}")
    assert len(methods) == 9
    assert hub_server.requests[3].headers.get("Range") == "bytes=1000-"


# -- downloads through huggingface_hub ---------------------------------------------------------


@pytest.mark.parametrize("revision", ["main", "commit"])
def test_download_is_verified_and_then_served_from_cache(online: HubServer, hf_cache: Path, revision: str) -> None:
    data = safetensors_bytes(0)
    revision = online.commit(REPO) if revision == "commit" else revision
    pins = publish(online, data, revision=revision)

    found = resolve(pins)

    assert found.path.read_bytes() == data
    assert sha256_of(found.path) == pins.weights_sha256
    assert load_safetensors(found.path.read_bytes())["bias"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert Path(os.path.realpath(found.path)).is_relative_to(hf_cache)
    assert online.url in found.source and f"{REPO}@{revision}" in found.source
    assert [r.method for r in online.requests_for(REPO, WEIGHTS)] == ["HEAD", "GET"]

    before = len(online.requests)
    again = resolve(pins)
    assert again.path == found.path
    assert len(online.requests) == before, "a cached, verified file must not cost a request"


@pytest.mark.parametrize("how", ["bytes corrupted in transit", "wrong file on the hub"])
def test_corrupted_download_is_refused_and_evicted(online: HubServer, hf_cache: Path, how: str) -> None:
    data = safetensors_bytes(1)
    pins = publish(online, data)
    bad = corrupted(data)
    if how == "bytes corrupted in transit":
        online.set_fault(REPO, WEIGHTS, corrupt=True)
    else:
        online.add_file(REPO, WEIGHTS, bad)

    with pytest.raises(zoo.ChecksumError) as excinfo:
        resolve(pins)

    message = str(excinfo.value)
    assert f"expected {sha256(data)}" in message
    assert f"got {sha256(bad)}" in message
    assert online.url in message and REPO in message and WEIGHTS in message
    assert cached_copy(hf_cache, pins) is None
    assert blobs(hf_cache) == [], "the bad bytes stayed in the huggingface_hub cache"
    assert leftovers(hf_cache) == []

    online.clear_faults()
    online.add_file(REPO, WEIGHTS, data)
    gets_before = len(online.requests_for(REPO, WEIGHTS, "GET"))
    found = resolve(pins)
    assert found.path.read_bytes() == data
    assert len(online.requests_for(REPO, WEIGHTS, "GET")) == gets_before + 1
    assert [sha256_of(p) for p in blobs(hf_cache)] == [sha256(data)]


def test_truncated_body_is_a_hub_error_and_leaves_nothing(online: HubServer, hf_cache: Path) -> None:
    data = safetensors_bytes(2, size=64 * 1024)
    pins = publish(online, data)
    online.set_fault(REPO, WEIGHTS, truncate_at=len(data) // 3)

    with pytest.raises(zoo.HubError) as excinfo:
        resolve(pins)

    assert not isinstance(excinfo.value, zoo.ChecksumError)
    message = str(excinfo.value)
    assert WEIGHTS in message and online.url in message
    assert len(online.requests_for(REPO, WEIGHTS, "GET")) > 1, "the client gave up without retrying"
    assert cached_copy(hf_cache, pins) is None
    assert blobs(hf_cache) == []
    assert leftovers(hf_cache) == []

    online.clear_faults()
    assert resolve(pins).path.read_bytes() == data


def test_missing_file_is_a_hub_error_naming_it(online: HubServer, hf_cache: Path) -> None:
    pins = publish(online, safetensors_bytes(3), extra={"ema.safetensors": "0" * 64})

    with pytest.raises(zoo.HubError) as excinfo:
        resolve(pins, "ema.safetensors")

    assert not isinstance(excinfo.value, zoo.ChecksumError)
    assert "ema.safetensors" in str(excinfo.value)
    assert "does not exist" in str(excinfo.value) and online.url in str(excinfo.value)
    assert [r.method for r in online.requests_for(REPO, "ema.safetensors")] == ["HEAD"]


@pytest.mark.parametrize("what", ["repo", "revision"])
def test_unknown_repo_or_revision_is_a_hub_error(online: HubServer, hf_cache: Path, what: str) -> None:
    data = safetensors_bytes(4)
    online.add_file(REPO, WEIGHTS, data)
    repo, revision = ("zoo-tests/absent", "main") if what == "repo" else (REPO, "v9")
    pins = PinnedFiles(repo=repo, revision=revision, files={WEIGHTS: sha256(data)})

    with pytest.raises(zoo.HubError) as excinfo:
        resolve(pins)

    assert repo in str(excinfo.value)
    assert not isinstance(excinfo.value, zoo.ChecksumError)
    assert online.requests, "the hub was never asked"


def test_cached_file_tampered_on_disk_is_refused_then_fetched_again(online: HubServer, hf_cache: Path) -> None:
    data = safetensors_bytes(5)
    pins = publish(online, data)
    blob = Path(os.path.realpath(resolve(pins).path))
    blob.chmod(0o644)
    blob.write_bytes(corrupted(data))
    before = len(online.requests)

    with pytest.raises(zoo.ChecksumError) as excinfo:
        resolve(pins)

    assert f"got {sha256(corrupted(data))}" in str(excinfo.value)
    assert len(online.requests) == before, "the cached copy should have been checked without the network"
    assert not blob.exists()
    assert resolve(pins).path.read_bytes() == data


# -- offline mode, HF_ENDPOINT and concurrent processes (fresh interpreters) -------------------


def test_offline_with_cached_file_makes_no_request(online: HubServer, hf_cache: Path) -> None:
    data = safetensors_bytes(6)
    pins = publish(online, data)
    first = resolve(pins)
    before = len(online.requests)

    result = resolve_in_subprocess(pins, subprocess_env(hf_cache, ZOO_HUB=online.url, HF_HUB_OFFLINE="1"))

    assert "error" not in result, result
    assert Path(result["path"]) == first.path
    assert Path(result["path"]).read_bytes() == data
    assert len(online.requests) == before


def test_offline_without_cache_explains_what_to_do(hub_server: HubServer, tmp_path: Path) -> None:  # noqa: F811
    pins = publish(hub_server, safetensors_bytes(7))
    cache = tmp_path / "hf-home" / "hub"

    result = resolve_in_subprocess(pins, subprocess_env(cache, ZOO_HUB=hub_server.url, HF_HUB_OFFLINE="1"))

    assert result.get("error") == "HubError", result
    message = result["message"]
    assert WEIGHTS in message and "not cached" in message
    assert "HF_HUB_OFFLINE" in message and "ZOO_HUB" in message
    assert "does not exist" not in message
    assert hub_server.requests == []
    assert not repo_cache(cache).joinpath("blobs").exists()


def test_hf_endpoint_is_used_when_zoo_hub_is_unset(hub_server: HubServer, tmp_path: Path) -> None:  # noqa: F811
    data = safetensors_bytes(8)
    pins = publish(hub_server, data)
    cache = tmp_path / "hf-home" / "hub"

    result = resolve_in_subprocess(pins, subprocess_env(cache, HF_ENDPOINT=hub_server.url))

    assert "error" not in result, result
    assert Path(result["path"]).read_bytes() == data
    assert hub_server.url in result["source"]
    assert [r.method for r in hub_server.requests_for(REPO, WEIGHTS)] == ["HEAD", "GET"]


def test_two_processes_share_one_verified_download(hub_server: HubServer, tmp_path: Path) -> None:  # noqa: F811
    data = safetensors_bytes(9, size=256 * 1024)
    pins = publish(hub_server, data)
    cache = tmp_path / "hf-home" / "hub"
    env = subprocess_env(cache, ZOO_HUB=hub_server.url)
    # The first GET is answered only once both processes have asked for the file's metadata, so
    # both are past their cache look-up and racing for the same download.
    hub_server.set_fault(REPO, WEIGHTS, hold_until_heads=2)

    procs = [
        subprocess.Popen(resolve_command(pins), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=PROJECT_ROOT)
        for _ in range(2)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        results.append(parse(subprocess.CompletedProcess(proc.args, proc.returncode, out, err)))

    for result in results:
        assert "error" not in result, result
        assert Path(result["path"]).read_bytes() == data
    assert results[0]["path"] == results[1]["path"]
    assert len(hub_server.requests_for(REPO, WEIGHTS, "HEAD")) == 2
    assert len(hub_server.requests_for(REPO, WEIGHTS, "GET")) == 1, "the file lock did not hold"
    assert [sha256_of(p) for p in blobs(cache)] == [sha256(data)]
    assert leftovers(cache) == []


# -- ZOO_HUB as a local folder, and pinning ----------------------------------------------------


@pytest.fixture
def hub_folder(tmp_path: Path, hub_server: HubServer, hf_cache: Path,  # noqa: F811
               monkeypatch: pytest.MonkeyPatch) -> Path:
    """ZOO_HUB set to a folder; the hub (HF_ENDPOINT, read when a file is fetched) is the test server."""
    folder = tmp_path / "local-hub"
    folder.mkdir()
    monkeypatch.setenv("ZOO_HUB", str(folder))
    monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
    yield folder
    assert not hf_cache.exists() or blobs(hf_cache) == []


def test_local_folder_file_is_verified_and_used_in_place(hub_folder: Path, hub_server: HubServer) -> None:  # noqa: F811
    data = safetensors_bytes(10)
    path = write_file(hub_folder, REPO, WEIGHTS, data)
    pins = PinnedFiles(repo=REPO, revision="main", files={WEIGHTS: sha256(data)})

    found = resolve(pins)

    assert found.path == path
    assert str(hub_folder) in found.source
    assert hub_server.requests == [], "a ZOO_HUB folder that has the file must not reach any hub"


def test_local_folder_tampered_file_is_a_checksum_error(hub_folder: Path) -> None:
    data = safetensors_bytes(11)
    path = write_file(hub_folder, REPO, WEIGHTS, corrupted(data))
    pins = PinnedFiles(repo=REPO, revision="main", files={WEIGHTS: sha256(data)})

    with pytest.raises(zoo.ChecksumError) as excinfo:
        resolve(pins)

    message = str(excinfo.value)
    assert f"expected {sha256(data)}" in message and f"got {sha256(corrupted(data))}" in message
    assert str(path) in message and str(hub_folder) in message


def test_zoo_hub_folders_are_tried_in_order(hub_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = safetensors_bytes(13)
    second = tmp_path / "second-hub"
    pins = PinnedFiles(repo=REPO, revision="main", files={WEIGHTS: sha256(data)})
    monkeypatch.setenv("ZOO_HUB", os.pathsep.join([str(hub_folder), str(second)]))

    write_file(second, REPO, WEIGHTS, data)
    assert resolve(pins).path == second / REPO / WEIGHTS
    write_file(hub_folder, REPO, WEIGHTS, data)
    assert resolve(pins).path == hub_folder / REPO / WEIGHTS


def test_installed_weights_come_after_zoo_hub_and_before_the_hub(hub_folder: Path, tmp_path: Path) -> None:
    data = safetensors_bytes(14)
    installed = tmp_path / "site" / "plugin_pkg" / "hub"
    write_file(installed, REPO, WEIGHTS, data)
    pins = PinnedFiles(repo=REPO, revision="main", files={WEIGHTS: sha256(data)})

    found = resolve(pins, shipped=[installed])
    assert found.path == installed / REPO / WEIGHTS and "installed weights" in found.source
    write_file(hub_folder, REPO, WEIGHTS, data)
    assert resolve(pins, shipped=[installed]).path == hub_folder / REPO / WEIGHTS


def test_zoo_hub_url_entry_is_used_after_a_folder_without_the_file(
    online: HubServer, hf_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pins = publish(online, safetensors_bytes(15))
    empty = tmp_path / "empty-hub"
    empty.mkdir()
    monkeypatch.setenv("ZOO_HUB", f"{empty}{os.pathsep}{online.url}")

    found = resolve(pins)

    assert online.url in found.source
    assert sha256_of(found.path) == pins.weights_sha256


def test_a_file_nobody_has_is_a_hub_error_naming_every_place_looked(
    hub_folder: Path, hub_server: HubServer  # noqa: F811
) -> None:
    write_file(hub_folder, REPO, "config.json", b"{}")
    pins = PinnedFiles(repo=REPO, revision="main", files={WEIGHTS: "0" * 64, "config.json": sha256(b"{}")})

    with pytest.raises(zoo.HubError) as excinfo:
        resolve(pins)

    message = str(excinfo.value)
    assert not isinstance(excinfo.value, zoo.ChecksumError)
    assert f"ZOO_HUB folder {hub_folder}" in message and WEIGHTS in message and REPO in message
    assert hub_server.requests, "after ZOO_HUB and the installed weights comes the hub"
    assert resolve(pins, "config.json").path == hub_folder / REPO / "config.json"


def test_unpinned_file_is_refused_before_any_lookup(online: HubServer, hf_cache: Path) -> None:
    pins = publish(online, safetensors_bytes(12))
    online.add_file(REPO, "extra.bin", b"not pinned")

    with pytest.raises(zoo.HubError) as excinfo:
        resolve(pins, "extra.bin")

    assert "extra.bin" in str(excinfo.value) and "not pinned" in str(excinfo.value)
    assert WEIGHTS in str(excinfo.value)
    assert online.requests == []
    assert not hf_cache.exists()
