"""``hf-hub:OWNER/NAME@REVISION``: a hub repo made by ``zoo export``/``zoo push``, loaded by name.

Only ``config.json`` and ``model.safetensors`` are fetched (through
huggingface_hub, honouring ``HF_ENDPOINT``, ``HF_HUB_OFFLINE`` and its cache),
the weights at the very commit the config came from; no code ever comes from a
repo: the model is built by an installed plugin, and the files get the checks
of any folder given as a path. A revision that is not a 40-hex commit can move
under its users: it loads with a warning that names the commit and sha256 to
pin, and is refused when ``ZOO_STRICT_PINS`` is set.
"""
from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from zoo.core.naming import is_commit, repo_id_problem, revision_problem
from zoo.core.plugins import PluginWarning
from zoo.errors import HubError
from zoo.hub.resolve import fetch_unpinned, sha256_of

PREFIX = "hf-hub:"
DEFAULT_REVISION = "main"
FILES = ("config.json", "model.safetensors")  # the config first: its commit fixes the weights'
STRICT_PINS = "ZOO_STRICT_PINS"
log = logging.getLogger(__name__)


class UnpinnedWarning(PluginWarning):
    """An ``hf-hub:`` reference named a branch, not a commit: what it loads can change."""


@dataclass(frozen=True)
class HubReference:
    """A parsed ``hf-hub:OWNER/NAME@REVISION``."""

    repo: str
    revision: str

    def __str__(self) -> str:
        return f"{PREFIX}{self.repo}@{self.revision}"


@dataclass(frozen=True)
class FetchedRepo:
    """The local folder (huggingface_hub's snapshot) holding a repo's files at ``commit``, and their sha256."""

    folder: Path
    commit: str
    sha256: dict[str, str]


def is_reference(name: object) -> bool:
    """Whether ``name`` is an ``hf-hub:`` reference rather than a model name or a folder."""
    return isinstance(name, str) and name.startswith(PREFIX)


def parse_reference(text: str) -> HubReference:
    """``hf-hub:OWNER/NAME[@REVISION]`` (revision ``main`` when left out), validated."""
    repo, _, revision = text.removeprefix(PREFIX).partition("@")
    problem = repo_id_problem(repo)
    if problem:
        raise HubError(f"{text}: the repo id {problem}")
    revision = revision or DEFAULT_REVISION
    problem = revision_problem(revision)
    if problem:
        raise HubError(f"{text}: the revision {problem}")
    return HubReference(repo, revision)


def strict_pins() -> bool:
    return os.environ.get(STRICT_PINS, "").strip().lower() in {"1", "true", "yes", "on"}


def fetch_repo(reference: HubReference) -> FetchedRepo:
    """Fetch a repo's config and weights at one commit; warn (or, strict, refuse) when not pinned to one."""
    pinned = is_commit(reference.revision)
    if not pinned and strict_pins():
        raise HubError(
            f"{reference} names the branch {reference.revision!r}, not a commit, and {STRICT_PINS} is set; "
            f"load {PREFIX}{reference.repo}@COMMIT with the 40-hex commit to use"
        )
    config = fetch_unpinned(reference.repo, reference.revision, FILES[0])
    commit = config.commit or reference.revision  # a download from a hub always names its commit
    weights = fetch_unpinned(reference.repo, commit, FILES[1])
    if config.path.parent != weights.path.parent:
        raise HubError(f"{reference}: the hub gave {FILES[0]} and {FILES[1]} at different commits")
    sha256 = {FILES[0]: sha256_of(config.path), FILES[1]: sha256_of(weights.path)}
    loaded = f"{PREFIX}{reference.repo}@{commit} ({FILES[1]} sha256 {sha256[FILES[1]]})"
    if pinned:
        log.info("loaded %s", loaded)
    else:
        warnings.warn(
            f"{reference} is not pinned to a commit, so what it loads can change; it loaded {loaded}: "
            f"load {PREFIX}{reference.repo}@{commit} to pin it ({STRICT_PINS}=1 refuses unpinned references)",
            UnpinnedWarning, stacklevel=3,
        )
    return FetchedRepo(weights.path.parent, commit, sha256)
