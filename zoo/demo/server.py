"""The demo's HTTP server: the page's static files and the JSON API, on the loopback interface only."""
from __future__ import annotations

import json
import sys
import threading
import traceback
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from zoo.demo.api import DemoAPI
from zoo.demo.params import BadRequest

HOST = "127.0.0.1"
MAX_BODY = 64 * 1024  # bytes; a pad image is about 6 KB of JSON
STATIC = {  # URL path -> (file in static/, content type); nothing else is served
    "/": ("index.html", "text/html; charset=utf-8"),
    "/demo.js": ("demo.js", "text/javascript; charset=utf-8"),
    "/demo.css": ("demo.css", "text/css; charset=utf-8"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class DemoServer(ThreadingHTTPServer):
    """A threading HTTP server bound to ``127.0.0.1:port`` (0: a free port) serving one :class:`DemoAPI`."""

    daemon_threads = True  # an idle keep-alive connection does not hold the server open

    def __init__(self, api: DemoAPI, port: int = 0) -> None:
        super().__init__((HOST, port), DemoHandler)
        self.api = api
        self.routes = api.routes()
        self.in_progress = 0
        self.idle = threading.Condition()

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Counts a request as in progress while it is answered."""
        with self.idle:
            self.in_progress += 1
        try:
            yield
        finally:
            with self.idle:
                self.in_progress -= 1
                self.idle.notify_all()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that went away before its answer was sent is not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def close(self, timeout: float = 30.0) -> None:
        """Stop listening, then wait up to ``timeout`` seconds for the requests in progress (a model
        call that is still running when the process exits takes the process down with it)."""
        self.server_close()
        with self.idle:
            self.idle.wait_for(lambda: self.in_progress == 0, timeout)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


class DemoHandler(BaseHTTPRequestHandler):
    """Static files from a fixed list, JSON in and out for ``/api/...``; errors are JSON with a message."""

    server: DemoServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def _handle(self, method: str) -> None:
        with self.server.answering():
            self._answer(method)

    def _answer(self, method: str) -> None:
        if not self._from_this_host():
            self._json(HTTPStatus.FORBIDDEN, {"error": "the demo answers only its own page, at 127.0.0.1 or localhost"})
            return
        path = urlsplit(self.path).path
        if method == "GET" and path in STATIC:
            self._static(*STATIC[path])
            return
        handler = self.server.routes.get((method, path))
        if handler is None:
            known = any(route == path for _, route in self.server.routes)
            status = HTTPStatus.METHOD_NOT_ALLOWED if known else HTTPStatus.NOT_FOUND
            self._json(status, {"error": f"no {method} {path} here"})
            return
        try:
            self._json(HTTPStatus.OK, handler(self._body() if method == "POST" else {}))
        except BadRequest as exc:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
        except Exception:  # noqa: BLE001 - the page gets an answer, the terminal the traceback
            traceback.print_exc(file=sys.stderr)
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "the demo failed on this request; see its terminal"})

    def _from_this_host(self) -> bool:
        """Whether the Host header names this server (a page of another site cannot reach it by DNS
        tricks) and an Origin, when there is one, is this server's own page."""
        port = self.server.server_address[1]
        hosts = {f"{HOST}:{port}", f"localhost:{port}"}
        origin = self.headers.get("Origin")
        return self.headers.get("Host", "") in hosts and (origin is None or origin in {f"http://{h}" for h in hosts})

    def _body(self) -> dict[str, Any]:
        """The request's JSON object, at most ``MAX_BODY`` bytes."""
        if self.headers.get_content_type() != "application/json":
            raise BadRequest("send the parameters as a JSON object (Content-Type: application/json)")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise BadRequest("Content-Length is required") from None
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            raise BadRequest(f"the request body must be at most {MAX_BODY} bytes")
        try:
            body = json.loads(self.rfile.read(length) or b"{}", parse_constant=_not_a_number)
        except BadRequest:
            raise
        except ValueError as exc:  # not JSON, not UTF-8, or an integer too long to read
            raise BadRequest(f"the body is not JSON: {exc}") from None
        if not isinstance(body, dict):
            raise BadRequest("the body must be a JSON object")
        return body

    def _static(self, name: str, content_type: str) -> None:
        payload = resources.files("zoo.demo").joinpath("static", name).read_bytes()
        self._send(HTTPStatus.OK, payload, content_type)

    def _json(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload).encode("utf-8"), "application/json")

    def _send(self, status: HTTPStatus, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for header, value in SECURITY_HEADERS.items():
            self.send_header(header, value)
        if status >= HTTPStatus.BAD_REQUEST:  # a refused request's body may be unread: start afresh
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        """Requests are not logged: the terminal shows only the address and errors."""


def _not_a_number(name: str) -> None:
    raise BadRequest(f"the body is not JSON: {name} is not a JSON number")


def serve(data_root: Path | None = None, port: int = 0) -> DemoServer:
    """A server for every installed model, bound and ready for ``serve_forever`` (``data_root``: see :class:`DemoAPI`)."""
    return DemoServer(DemoAPI(data_root), port)
