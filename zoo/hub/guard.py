"""Bounds on what a hub may answer while the zoo fetches a file through huggingface_hub.

Inside :func:`guarded`, every answer the client receives is checked before
huggingface_hub builds a cache path from it or writes its body: the commit it
names (``X-Repo-Commit``) must be 40 hex digits and its ``ETag`` a plain token,
a declared length must be within ``ZOO_HUB_MAX_MB``, the body may not run past
that bound, and the transfer must end within ``ZOO_HUB_TIMEOUT`` seconds
(a slow trickle of bytes is cut off too). Outside the block the client is left
as its user configured it.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import re
import sys
import time
from dataclasses import dataclass
from typing import Any, Iterator

from zoo.core.naming import COMMIT
from zoo.errors import HubError

MAX_MB = 2048  # default bound on one file from a hub
TIMEOUT_S = 600.0  # default bound on the time one file may take
_ETAG = re.compile(r"[A-Za-z0-9_-]{1,128}")


class HubAnswerRefused(HubError):
    """A hub answered with headers or a body the zoo does not accept; nothing of it was kept."""


@dataclass(frozen=True)
class Bounds:
    """The most bytes and seconds one guarded transfer may take, and what it fetches (for messages)."""

    max_bytes: int
    timeout_s: float
    what: str


_active: contextvars.ContextVar[tuple[Bounds, float] | None] = contextvars.ContextVar("zoo_hub_guard", default=None)


def bounds(what: str) -> Bounds:
    """The bounds set by ``ZOO_HUB_MAX_MB`` and ``ZOO_HUB_TIMEOUT`` (positive numbers; defaults 2048 and 600)."""
    return Bounds(int(_positive("ZOO_HUB_MAX_MB", MAX_MB) * 2**20), _positive("ZOO_HUB_TIMEOUT", TIMEOUT_S), what)


def _positive(variable: str, default: float) -> float:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise HubError(f"{variable} must be a positive number, got {raw!r}")
    return value


@contextlib.contextmanager
def guarded(limits: Bounds) -> Iterator[None]:
    """Check every answer huggingface_hub receives in this block (this thread) against ``limits``."""
    _install()
    token = _active.set((limits, time.monotonic() + limits.timeout_s))
    try:
        yield
    finally:
        _active.reset(token)


def _install() -> None:
    """Add the check to the client huggingface_hub shares (again if it made a new one)."""
    from huggingface_hub import get_session

    session = get_session()
    if not hasattr(session, "event_hooks"):
        raise HubError("the installed huggingface_hub is too old to bound downloads; pip install -U huggingface_hub")
    hooks = session.event_hooks
    if _check not in hooks.get("response", []):
        session.event_hooks = {**hooks, "response": [*hooks.get("response", []), _check]}


def _check(response: Any) -> None:
    active = _active.get()
    if active is None:
        return
    limits, deadline = active
    headers = response.headers
    commit = headers.get("X-Repo-Commit")
    if commit is not None and not COMMIT.fullmatch(commit):
        raise HubAnswerRefused(
            f"the hub answered {limits.what} with the commit {commit[:80]!r}, which is not a 40-hex commit; "
            "refused, nothing was written"
        )
    etag = headers.get("X-Linked-Etag") or headers.get("ETag")
    if etag is not None and not _ETAG.fullmatch(etag.removeprefix("W/").strip('"')):
        raise HubAnswerRefused(f"the hub answered {limits.what} with the ETag {etag[:80]!r}, which is not a plain "
                               "token; refused, nothing was written")
    for name in ("X-Linked-Size", "Content-Length"):
        declared = headers.get(name)
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limits.max_bytes):
            raise HubAnswerRefused(
                f"the hub declared {limits.what} {declared[:40]} bytes long ({name}), more than the "
                f"{_mb(limits.max_bytes)} MB a file may have (ZOO_HUB_MAX_MB); refused before downloading"
            )
    response.stream = _bounded_class(_sync_stream_base(response))(response.stream, limits, deadline)


def _sync_stream_base(response: Any) -> type:
    """The byte-stream class of the HTTP library the response comes from (which checks it)."""
    package = sys.modules[type(response).__module__.partition(".")[0]]
    return getattr(package, "SyncByteStream", object)


@functools.cache
def _bounded_class(base: type) -> type:
    return type("BoundedStream", (_Bounded, base), {})


class _Bounded:
    """A response body that stops at the byte bound or the deadline (mixed into the library's stream class)."""

    def __init__(self, stream: Any, limits: Bounds, deadline: float) -> None:
        self._stream, self._limits, self._deadline = stream, limits, deadline

    def __iter__(self) -> Iterator[bytes]:
        received = 0
        for chunk in self._stream:
            received += len(chunk)
            if received > self._limits.max_bytes:
                raise HubAnswerRefused(
                    f"the hub sent more than {_mb(self._limits.max_bytes)} MB for {self._limits.what} "
                    "(ZOO_HUB_MAX_MB); the download was stopped and nothing was kept"
                )
            if time.monotonic() > self._deadline:
                raise HubAnswerRefused(
                    f"the hub took more than {self._limits.timeout_s:g} s to send {self._limits.what} "
                    "(ZOO_HUB_TIMEOUT); the download was stopped and nothing was kept"
                )
            yield chunk

    def close(self) -> None:
        self._stream.close()


def _mb(size: int) -> str:
    return f"{size / 2**20:g}"
