"""A local stand-in for the Hugging Face hub: file downloads, the model list and uploads.

``HubServer`` serves ``ROOT/owner/name/file`` at
``http://127.0.0.1:PORT/{owner}/{name}/resolve/{revision}/{file}`` the way the hub
answers ``huggingface_hub``: HEAD and GET with ``X-Repo-Commit``, a quoted sha256
``ETag`` and ``Content-Length``; ``Range: bytes=N-`` gives 206; unknown repos,
revisions and files give 404 with the hub's ``X-Error-Code``. ``GET /api/models`` lists
the repos whose card carries the ``filter`` tags, as the hub's model list does. Faults can be set per
file (an error status, corrupted bytes on the wire, a body cut short, a GET held back, and the
answers of a hostile hub: a crafted commit or ETag header, a false length, a body longer than its
length, an endless body, a slow trickle), and every request is recorded so that tests can assert
that no request was made. ``HfApi.create_repo`` and ``upload_folder`` work against it (``zoo push``):
each upload is a new commit, which the resolve URLs then serve.

Plugin authors use it through the ``zoo.testing.hub_server`` fixture.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

HOST = "127.0.0.1"
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Fault:
    """How the server misbehaves when a file is fetched with GET (``status``: with HEAD too)."""

    status: int | None = None  # answer HEAD and GET with this error status, as a hub that is down does
    corrupt: bool = False  # flip bytes of the body; headers still describe the real file
    truncate_at: int | None = None  # never send bytes at or past this offset, then drop the connection
    hold_until_heads: int = 0  # answer the GET only once this many HEADs of the file have arrived
    commit: str | None = None  # the X-Repo-Commit header of every answer about the file
    etag: str | None = None  # the ETag header instead of the quoted sha256
    length: int | None = None  # the Content-Length announced instead of the file's
    extra: int = 0  # bytes sent after the body that Content-Length announces
    endless: bool = False  # GET sends a chunked body that never ends (HEAD announces no length)
    drip_s: float = 0.0  # GET sends the body one byte at a time, this many seconds apart


@dataclass
class _State:
    root: Path
    requests: list[Request] = field(default_factory=list)
    faults: dict[str, Fault] = field(default_factory=dict)
    heads: dict[str, int] = field(default_factory=dict)
    commits: dict[str, str] = field(default_factory=dict)  # repo -> its latest commit, once pushed to
    changed: threading.Condition = field(default_factory=threading.Condition)
    closing: bool = False


def commit_of(repo: str) -> str:
    """The commit hash the server reports for ``repo`` until something is pushed to it."""
    return hashlib.sha1(repo.encode()).hexdigest()


def corrupted(data: bytes) -> bytes:
    """Same length, different bytes (every 7th byte flipped, the first one always)."""
    out = bytearray(data)
    for index in range(0, len(out), 7):
        out[index] ^= 0xFF
    return bytes(out)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # idle keep-alive connections end on their own
    server_version = "zoo-test-hub/1.0"
    state: _State  # set on the subclass made for each server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base class
        pass

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_POST(self) -> None:
        """``create_repo``, and the preupload and commit calls of ``upload_folder`` (files sent inline)."""
        self._record()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = urlsplit(self.path).path.split("/")
        if parts[1:4] == ["api", "repos", "create"]:
            payload = json.loads(body)
            repo = f"{payload.get('organization')}/{payload['name']}"
            (self.state.root / repo).mkdir(parents=True, exist_ok=True)
            self._json({"url": f"{self._base()}/{repo}", "name": repo, "id": repo})
        elif parts[1:3] == ["api", "validate-yaml"]:  # a card's metadata, checked before a commit
            self._json({"errors": [], "warnings": []})
        elif len(parts) >= 7 and parts[1:3] == ["api", "models"] and parts[5] == "preupload":
            files = json.loads(body).get("files", [])
            self._json({"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in files]})
        elif len(parts) >= 7 and parts[1:3] == ["api", "models"] and parts[5] == "commit":
            self._commit(f"{unquote(parts[3])}/{unquote(parts[4])}", body)
        else:
            self._error(404, None, "not an api url", True)

    def _commit(self, repo: str, body: bytes) -> None:
        """Write the files of an NDJSON commit into the repo and make it the repo's new latest commit."""
        repo_dir = (self.state.root / repo).resolve()
        if not repo_dir.is_dir() or not repo_dir.is_relative_to(self.state.root.resolve()):
            self._error(404, "RepoNotFound", "Repository not found", True)
            return
        for line in body.splitlines():
            item = json.loads(line)
            if item.get("key") == "file":
                target = (repo_dir / item["value"]["path"]).resolve()
                if not target.is_relative_to(repo_dir):
                    self._error(400, None, "bad path", True)
                    return
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(base64.b64decode(item["value"]["content"]))
        with self.state.changed:
            previous = self.state.commits.get(repo) or commit_of(repo)
            commit = hashlib.sha1(f"{previous}:{hashlib.sha1(body).hexdigest()}".encode()).hexdigest()
            self.state.commits[repo] = commit
        self._json({"commitUrl": f"{self._base()}/{repo}/commit/{commit}", "commitOid": commit, "success": True})

    def _base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _json(self, data: object) -> None:
        self._reply(200, {"Content-Type": "application/json"}, json.dumps(data).encode())

    # -- helpers -------------------------------------------------------------------------

    def _record(self) -> None:
        with self.state.changed:
            self.state.requests.append(Request(self.command, self.path, dict(self.headers.items())))
            self.state.changed.notify_all()

    def _reply(self, status: int, headers: dict[str, str], body: bytes = b"", send_body: bool = True) -> None:
        self.send_response(status)
        headers = {"Content-Length": str(len(body)), **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def _error(self, status: int, code: str | None, message: str, send_body: bool, **headers: str) -> None:
        extra = {"Content-Type": "application/json", **headers}
        if code:
            extra["X-Error-Code"] = code
            extra["X-Error-Message"] = message
        body = ('{"error": "%s"}' % message).encode()
        self._reply(status, extra, body, send_body)

    def _list_models(self, body: bool) -> None:
        """``GET /api/models?filter=TAG&search=TEXT``: the repos whose card has every tag and whose id has TEXT."""
        from huggingface_hub import ModelCard

        query = parse_qs(urlsplit(self.path).query)
        tags, search = set(query.get("filter", [])), query.get("search", [""])[0].lower()
        found = []
        for card_path in sorted(self.state.root.glob("*/*/README.md")):
            repo = f"{card_path.parent.parent.name}/{card_path.parent.name}"
            data = ModelCard.load(card_path).data.to_dict()
            if tags <= set(data.get("tags") or []) and search in repo.lower():
                found.append({"id": repo, "modelId": repo, "tags": data.get("tags") or [],
                              "library_name": data.get("library_name"), "cardData": data})
        self._reply(200, {"Content-Type": "application/json"}, json.dumps(found).encode(), body)

    def _serve(self, body: bool) -> None:
        self._record()
        if urlsplit(self.path).path == "/api/models":
            self._list_models(body)
            return
        parts = urlsplit(self.path).path.split("/")
        # "", owner, name, "resolve", revision, file...
        if len(parts) < 6 or parts[3] != "resolve" or not all(parts[1:]):
            self._error(404, None, "not a resolve url", body)
            return
        owner, name, revision = unquote(parts[1]), unquote(parts[2]), unquote(parts[4])
        filename = unquote("/".join(parts[5:]))
        repo = f"{owner}/{name}"
        repo_dir = (self.state.root / owner / name).resolve()
        if not repo_dir.is_dir() or not repo_dir.is_relative_to(self.state.root.resolve()):
            self._error(404, "RepoNotFound", "Repository not found", body)
            return
        key = f"{repo}/{filename}"
        fault = self.state.faults.get(key, Fault())
        commit = self.state.commits.get(repo) or commit_of(repo)
        if revision not in ("main", commit):
            self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}", body)
            return
        commit = fault.commit or commit
        target = (repo_dir / filename).resolve()
        if not target.is_file() or not target.is_relative_to(repo_dir):
            self._error(404, "EntryNotFound", f"{filename} does not exist", body, **{"X-Repo-Commit": commit})
            return

        if fault.status is not None:
            self._error(fault.status, None, "the hub is having trouble", body)
            return
        data = target.read_bytes()
        headers = {
            "X-Repo-Commit": commit,
            "ETag": fault.etag or f'"{hashlib.sha256(data).hexdigest()}"',
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
        }
        if not body:
            with self.state.changed:
                self.state.heads[key] = self.state.heads.get(key, 0) + 1
                self.state.changed.notify_all()
            if fault.endless:
                self._send_head(200, headers)
            else:
                self._reply(200, {**headers, **self._length(fault, len(data))}, data, send_body=False)
            return
        if fault.endless:
            self._send_endless(headers)
            return

        if fault.hold_until_heads:
            with self.state.changed:
                self.state.changed.wait_for(
                    lambda: self.state.closing or self.state.heads.get(key, 0) >= fault.hold_until_heads, timeout=8
                )
        if fault.corrupt:
            data = corrupted(data)

        start, status = 0, 200
        match = _RANGE.match(self.headers.get("Range", "").strip())
        if match:
            start = int(match.group(1))
            end = int(match.group(2)) + 1 if match.group(2) else len(data)
            if start >= len(data) or end <= start:
                self._reply(416, {"Content-Range": f"bytes */{len(data)}"})
                return
            end = min(end, len(data))
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(data)}"
            data, status = data[start:end], 206
        # Content-Length always announces the full (range of the) file, unless a fault says otherwise.
        self.send_response(status)
        for name, value in {**headers, **self._length(fault, len(data))}.items():
            self.send_header(name, value)
        if fault.truncate_at is not None or fault.extra or fault.drip_s:
            self.send_header("Connection", "close")
        self.end_headers()
        if fault.drip_s:
            self._drip(data, fault.drip_s)
            return
        if fault.truncate_at is None:
            self.wfile.write(data + b"\0" * fault.extra)
            return
        self.wfile.write(data[: max(0, fault.truncate_at - start)])
        self.wfile.flush()
        self.close_connection = True  # the socket closes with the body cut short

    def _length(self, fault: Fault, size: int) -> dict[str, str]:
        return {"Content-Length": str(size if fault.length is None else fault.length)}

    def _send_head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send_endless(self, headers: dict[str, str]) -> None:
        """A chunked body of zeros that goes on until the client hangs up."""
        self._send_head(200, {**headers, "Transfer-Encoding": "chunked", "Connection": "close"})
        chunk = b"%x\r\n%s\r\n" % (1 << 16, b"\0" * (1 << 16))
        try:
            while not self.state.closing:
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True

    def _drip(self, data: bytes, pause: float) -> None:
        """One byte at a time, ``pause`` seconds apart, until done or the client hangs up."""
        import time

        try:
            for index in range(len(data)):
                if self.state.closing:
                    break
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    """Quiet about clients that hang up mid-answer (a refused download does): nothing is printed for them."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class HubServer:
    """A threaded hub on 127.0.0.1 serving the repos under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._state = _State(self.root)
        handler = type("Handler", (_Handler,), {"state": self._state})
        self._httpd = _Server((HOST, 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="hub-server", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # -- content ---------------------------------------------------------------------------

    def add_file(self, repo: str, filename: str, data: bytes) -> str:
        """Publish ``data`` as ``filename`` of ``repo``; returns its sha256."""
        path = self.root / repo / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return hashlib.sha256(data).hexdigest()

    def commit(self, repo: str) -> str:
        """The repo's latest commit: the one ``main`` resolves to."""
        with self._state.changed:
            return self._state.commits.get(repo) or commit_of(repo)

    # -- faults ----------------------------------------------------------------------------

    def set_fault(self, repo: str, filename: str, **fault: object) -> None:
        self._state.faults[f"{repo}/{filename}"] = Fault(**fault)  # type: ignore[arg-type]

    def clear_faults(self) -> None:
        self._state.faults.clear()

    # -- what was asked ----------------------------------------------------------------------

    @property
    def requests(self) -> list[Request]:
        with self._state.changed:
            return list(self._state.requests)

    def requests_for(self, repo: str, filename: str, method: str | None = None) -> list[Request]:
        suffix = f"/{filename}"
        return [
            r
            for r in self.requests
            if r.path.startswith(f"/{repo}/resolve/")
            and unquote(urlsplit(r.path).path).endswith(suffix)
            and (method is None or r.method == method)
        ]

    def close(self) -> None:
        with self._state.changed:
            self._state.closing = True
            self._state.changed.notify_all()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
