"""Finding, fetching and verifying pretrained files.

Resolution order for a pinned file of a model:
1. ``ZOO_HUB``: a local folder of hub repos (``ZOO_HUB/owner/name/file``) or a
   hub URL (downloaded with huggingface_hub through that endpoint);
2. the weights bundled with the zoo (``hub/owner/name/file`` in the project);
3. the Hugging Face hub through ``huggingface_hub.hf_hub_download``, which
   honours ``HF_ENDPOINT``, ``HF_HUB_OFFLINE``, its cache and its file locks.

Every file is checked against its pinned sha256 before it is used.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ChecksumError, HubError
from .paths import BUNDLED_HUB
from .spec import Checkpoint


@dataclass(frozen=True)
class ResolvedFile:
    """A verified local file and a human description of where it came from."""

    path: Path
    source: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _zoo_hub() -> str | None:
    value = os.environ.get("ZOO_HUB", "").strip()
    return value or None


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def resolve(checkpoint: Checkpoint, filename: str | None = None) -> ResolvedFile:
    """Return a verified local copy of one pinned file of ``checkpoint``."""
    filename = filename or checkpoint.weights
    if filename not in checkpoint.files:
        raise HubError(f"{checkpoint.repo}: {filename!r} is not pinned; pinned files: {', '.join(checkpoint.files)}")
    expected = checkpoint.files[filename]
    override = _zoo_hub()
    if override and _is_url(override):
        return _download(checkpoint, filename, expected, endpoint=override.rstrip("/"))
    folders = ([Path(override).expanduser()] if override else []) + [BUNDLED_HUB]
    for folder in folders:
        candidate = folder / checkpoint.repo / filename
        if candidate.is_file():
            _verify(candidate, expected, f"local hub folder {folder}")
            return ResolvedFile(candidate, f"local hub folder {folder}")
    if override:
        raise HubError(
            f"{filename} of {checkpoint.repo} is not in ZOO_HUB={override} "
            f"(looked for {Path(override) / checkpoint.repo / filename}); unset ZOO_HUB to use the bundled weights or the hub"
        )
    return _download(checkpoint, filename, expected, endpoint=None)


def _verify(path: Path, expected: str, source: str) -> None:
    got = sha256_of(path)
    if got != expected:
        raise ChecksumError(
            f"sha256 mismatch for {path.name} from {source} ({path}): expected {expected}, got {got}. "
            "The file is corrupt or not the pinned version; it was not used."
        )


def _download(checkpoint: Checkpoint, filename: str, expected: str, endpoint: str | None) -> ResolvedFile:
    """Fetch through huggingface_hub; a cached, verified copy means no network at all."""
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

    where = endpoint or os.environ.get("HF_ENDPOINT") or "the Hugging Face hub"
    source = f"{where} ({checkpoint.repo}@{checkpoint.revision})"
    kwargs = dict(repo_id=checkpoint.repo, filename=filename, revision=checkpoint.revision, endpoint=endpoint)
    try:
        path = Path(hf_hub_download(**kwargs, local_files_only=True))
    except LocalEntryNotFoundError:
        try:
            path = Path(hf_hub_download(**kwargs))
        except LocalEntryNotFoundError as exc:  # before EntryNotFoundError, its base class
            raise HubError(
                f"cannot fetch {filename} from {source} and it is not cached: {exc.__class__.__name__}. "
                "Go online (unset HF_HUB_OFFLINE) and run `zoo download`, or point ZOO_HUB at a folder that has it."
            ) from None
        except EntryNotFoundError:
            raise HubError(f"{filename} does not exist in {source}") from None
        except RepositoryNotFoundError:
            raise HubError(f"repository {checkpoint.repo} not found at {where}") from None
        except transfer_errors as exc:
            raise HubError(f"download of {filename} from {source} failed: {exc}") from None
    try:
        _verify(path, expected, source)
    except ChecksumError:
        _evict(path)
        raise
    return ResolvedFile(path, source)


def _evict(path: Path) -> None:
    """Remove a bad file from the huggingface_hub cache (symlink and blob)."""
    blob = Path(os.path.realpath(path))
    for item in {path, blob}:
        try:
            item.unlink()
        except FileNotFoundError:
            pass
