"""Finding, fetching and verifying pinned files.

Resolution order for a pinned file of a model:
1. ``ZOO_HUB``: one or several local folders of hub repos (``FOLDER/owner/name/file``)
   or hub URLs (fetched with huggingface_hub from that endpoint), separated by
   ``os.pathsep``, tried in order;
2. the weights installed with a distribution: the model's own plugin package's
   ``hub/`` folder and the ``zoo.weights`` distributions for that package first,
   then every other installed weights folder;
3. the Hugging Face hub through ``huggingface_hub.hf_hub_download``, which
   honours ``HF_ENDPOINT``, ``HF_HUB_OFFLINE``, its cache and its file locks.

Every file is checked against its pinned sha256 before it is used; a file that
is found but does not match is an error, never skipped over. A revision must be
a branch name or a 40-hex commit before any path is built from it, and what a
hub answers is bounded (:mod:`zoo.hub.guard`).
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from zoo.errors import ChecksumError, HubError
from zoo.hub import guard
from zoo.core.naming import is_commit, revision_problem
from zoo.core.spec import PinnedFiles

# On POSIX os.pathsep is ":", which URLs contain too: a URL entry runs to its
# host, optional port and path, and the next ":" after that separates entries.
_POSIX_ENTRY = re.compile(r"https?://[^/:]+(?::\d+)?(?:/[^:]*)?|[^:]+")


@dataclass(frozen=True)
class ResolvedFile:
    """A verified local file, a human description of where it came from, and the hub commit it
    was fetched at (None for a file from a folder)."""

    path: Path
    source: str
    commit: str | None = None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def zoo_hub_entries(value: str | None = None) -> list[str]:
    """The folders and URLs of ``ZOO_HUB`` (or ``value``), in order."""
    value = os.environ.get("ZOO_HUB", "") if value is None else value
    parts = _POSIX_ENTRY.findall(value) if os.pathsep == ":" else value.split(os.pathsep)
    return [part.strip() for part in parts if part.strip()]


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def fetch(name: str, filename: str | None = None) -> ResolvedFile:
    """A verified local copy of one pinned file of the registered model ``name``."""
    from zoo.core.registry import get_registry

    registry = get_registry()
    pins = registry.pinned(name)
    if pins is None:
        raise HubError(
            f"model {name!r} has no pretrained weights in any installed catalog; "
            f"train it with `zoo train {name}` and load the run folder"
        )
    return resolve(pins, filename, shipped=registry.weight_folders(name))


def resolve(
    pins: PinnedFiles, filename: str | None = None, shipped: Sequence[Path] = (), local_only: bool = False
) -> ResolvedFile | None:
    """Return a verified local copy of one pinned file of ``pins``.

    ``shipped`` are the installed weights folders to try after ``ZOO_HUB``.
    ``local_only`` reads no network (folders and the hub's cache only) and
    gives None when the file is in none of them.
    """
    filename = filename or pins.weights
    problem = revision_problem(pins.revision)
    if problem:
        raise HubError(f"{pins.repo}: the revision {problem}")
    if filename not in pins.files:
        raise HubError(f"{pins.repo}: {filename!r} is not pinned; pinned files: {', '.join(pins.files)}")
    expected = pins.files[filename]
    looked: list[str] = []
    for entry in zoo_hub_entries():
        if _is_url(entry):
            try:
                return _download(pins.repo, pins.revision, filename, expected, entry.rstrip("/"), local_only)
            except (ChecksumError, guard.HubAnswerRefused):  # a bad answer is an error, never skipped over
                raise
            except HubError as exc:
                looked.append(f"ZOO_HUB {entry}: {exc}")
                continue
        found = _from_folder(Path(entry).expanduser(), pins, filename, expected, f"ZOO_HUB folder {entry}")
        if found:
            return found
        looked.append(f"ZOO_HUB folder {entry}: no {pins.repo}/{filename}")
    for folder in shipped:
        found = _from_folder(folder, pins, filename, expected, f"installed weights {folder}")
        if found:
            return found
    try:
        return _download(pins.repo, pins.revision, filename, expected, None, local_only)
    except ChecksumError:
        raise
    except HubError as exc:
        if local_only:
            return None
        if not looked:
            raise
        raise HubError(f"{exc} Also looked in: {'; '.join(looked)}") from None


def _from_folder(folder: Path, pins: PinnedFiles, filename: str, expected: str, source: str) -> ResolvedFile | None:
    candidate = folder / pins.repo / filename
    if not candidate.is_file():
        return None
    _verify(candidate, expected, source)
    return ResolvedFile(candidate, source)


def _verify(path: Path, expected: str, source: str) -> None:
    got = sha256_of(path)
    if got != expected:
        raise ChecksumError(
            f"sha256 mismatch for {path.name} from {source} ({path}): expected {expected}, got {got}. "
            "The file is corrupt or not the pinned version; it was not used."
        )


def fetch_unpinned(repo: str, revision: str, filename: str) -> ResolvedFile:
    """A file of a hub repo at ``revision`` with no pinned sha256 (``hf-hub:`` references), through
    huggingface_hub with ``HF_ENDPOINT``, ``HF_HUB_OFFLINE`` and its cache, and the hub's answers bounded."""
    problem = revision_problem(revision)
    if problem:
        raise HubError(f"{repo}: the revision {problem}")
    return _download(repo, revision, filename, None, endpoint=None)


def _download(
    repo: str, revision: str, filename: str, expected: str | None, endpoint: str | None, local_only: bool = False
) -> ResolvedFile:
    """Fetch through huggingface_hub, verified against ``expected`` when given; a cached copy means no
    network (``local_only``: only a cached copy, else a ``HubError``)."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
    )

    # A broken transfer (a body cut short, a reset connection) surfaces as an error of the HTTP
    # library huggingface_hub uses, which is not always an OSError; HfHubHTTPError derives from it.
    transfer_errors = (OSError, *HfHubHTTPError.__bases__)

    endpoint_given = endpoint is not None
    endpoint = endpoint or os.environ.get("HF_ENDPOINT", "").rstrip("/") or None  # read now, not at import
    where = endpoint or "the Hugging Face hub"
    source = f"{where} ({repo}@{revision})"
    kwargs = dict(repo_id=repo, filename=filename, revision=revision, endpoint=endpoint)
    try:
        path = Path(hf_hub_download(**kwargs, local_files_only=True))
    except LocalEntryNotFoundError:
        if local_only:
            raise HubError(f"{filename} of {source} is not cached") from None
        try:
            with guard.guarded(guard.bounds(f"{filename} of {repo}@{revision}")):
                path = Path(hf_hub_download(**kwargs))
        except LocalEntryNotFoundError as exc:  # before EntryNotFoundError, its base class
            raise HubError(_not_fetched(exc, filename, source, "ZOO_HUB" if endpoint_given else "HF_ENDPOINT")) from None
        except EntryNotFoundError:
            raise HubError(f"{filename} does not exist in {source}") from None
        except RepositoryNotFoundError:
            raise HubError(f"repository {repo} not found at {where}") from None
        except transfer_errors as exc:
            raise HubError(f"download of {filename} from {source} failed: {exc}") from None
    commit = path.parent.name  # huggingface_hub's cache: snapshots/COMMIT/FILE
    if not is_commit(commit):
        raise HubError(f"{source} gave {filename} at {commit[:80]!r}, which is not a 40-hex commit; it was not used")
    if expected is not None:
        try:
            _verify(path, expected, source)
        except ChecksumError:
            _evict(path)
            raise
    return ResolvedFile(path, source, commit)


def _not_fetched(exc: Exception, filename: str, source: str, endpoint_setting: str) -> str:
    """Why huggingface_hub found ``filename`` neither on the hub nor in its cache, and what to do.

    Its ``LocalEntryNotFoundError`` covers offline mode, a hub that answered with an
    error and a hub that could not be reached; the error behind it is its ``__cause__``.
    """
    from huggingface_hub import constants
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    cause = exc.__cause__
    other_ways = "or point ZOO_HUB at a folder or hub that has it, or install the package that ships the weights"
    if constants.is_offline_mode() or isinstance(cause, OfflineModeIsEnabled):
        return (f"{filename} is not cached and offline mode is on (HF_HUB_OFFLINE is set): unset HF_HUB_OFFLINE "
                f"and run `zoo download` once online, {other_ways}")
    if isinstance(cause, HfHubHTTPError):
        status = getattr(cause.response, "status_code", "error")
        return (f"{source} answered with an error (HTTP {status}) for {filename}, which is not cached: "
                f"the hub may be down, try again later, {other_ways}")
    reason = (str(cause) or type(cause).__name__) if cause is not None else str(exc)
    return (f"could not reach {source} to fetch {filename} ({reason}), and it is not cached: "
            f"check the network and {endpoint_setting}, {other_ways}")


def _evict(path: Path) -> None:
    """Remove a bad file from the huggingface_hub cache (symlink and blob)."""
    blob = Path(os.path.realpath(path))
    for item in {path, blob}:
        try:
            item.unlink()
        except FileNotFoundError:
            pass
