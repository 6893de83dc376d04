"""What a model name, a hub repo id, a revision and a pinned file name may be, and when a string names a folder."""
from __future__ import annotations

import os
import re
from pathlib import PurePosixPath, PureWindowsPath

MAX_MODEL_NAME = 100
MODEL_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
_REPO_PART = re.compile(r"[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?")
MAX_REPO_PART = 96
COMMIT = re.compile(r"[0-9a-f]{40}")
_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*")
MAX_REVISION = 128
_DISTRIBUTION = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
MAX_DISTRIBUTION = 100


def model_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a model name (None when it can)."""
    if not isinstance(name, str) or not name:
        return f"must be a non-empty string, got {name!r}"
    if len(name) > MAX_MODEL_NAME:
        return f"is {len(name)} characters long; at most {MAX_MODEL_NAME} are allowed"
    if not MODEL_NAME.fullmatch(name) or ".." in name:
        return f"{name!r} may hold only lowercase letters, digits, '.', '_' and '-', start with a letter or digit, and have no '..'"
    return None


def repo_id_problem(repo: object) -> str | None:
    """Why ``repo`` is not a hub repo id ``owner/name`` (None when it is)."""
    if not isinstance(repo, str) or repo.count("/") != 1:
        return f"must look like 'owner/name', got {repo!r}"
    for part in repo.split("/"):
        if len(part) > MAX_REPO_PART or not _REPO_PART.fullmatch(part) or ".." in part or "--" in part:
            return (
                f"must look like 'owner/name' (letters, digits, '-', '_', '.'; no '..' or '--'; "
                f"at most {MAX_REPO_PART} characters each), got {repo!r}"
            )
    return None


def revision_problem(revision: object) -> str | None:
    """Why ``revision`` is neither a branch (or tag) name nor a 40-hex commit (None when it is one).

    Names are letters, digits, '.', '_' and '-' in parts joined by single '/'
    (``main``, ``v1.0``, ``refs/pr/1``): no '..', no leading '/' or '.', no spaces.
    """
    if isinstance(revision, str) and (COMMIT.fullmatch(revision) or (
        len(revision) <= MAX_REVISION and _BRANCH.fullmatch(revision) and ".." not in revision
        and not revision.endswith((".", ".lock"))
    )):
        return None
    return (
        f"must be a branch name (letters, digits, '.', '_', '-', parts joined by '/', no '..') "
        f"or a 40-hex commit, got {revision!r}"
    )


def distribution_name_problem(name: object) -> str | None:
    """Why ``name`` is not a distribution name that ``pip install NAME`` takes as just a name (None when it is)."""
    if isinstance(name, str) and len(name) <= MAX_DISTRIBUTION and _DISTRIBUTION.fullmatch(name):
        return None
    return f"is not a distribution name (letters, digits, '.', '_', '-'), got {shown(name)}"


def shown(value: object, limit: int = 80) -> str:
    """``value`` quoted for a terminal: control characters and escape sequences written as escapes, cut at ``limit``."""
    text = value if isinstance(value, str) else repr(value)
    return repr(text[:limit]) + ("..." if len(text) > limit else "")


def is_commit(revision: str) -> bool:
    """Whether ``revision`` is a full commit hash (40 lowercase hex digits), which no push can move."""
    return COMMIT.fullmatch(revision) is not None


def file_name_problem(name: object) -> str | None:
    """Why ``name`` is not a plain file name inside a repo folder (None when it is)."""
    if not isinstance(name, str) or not name.strip():
        return f"must be a file name, got {name!r}"
    plain = PurePosixPath(name).name == name and PureWindowsPath(name).name == name
    if not plain or name in (".", "..") or name.startswith(".") or "\0" in name:
        return f"must be a plain file name (no '/', '\\', '..' or absolute path), got {name!r}"
    return None


def names_a_folder(value: str | os.PathLike[str]) -> bool:
    """A ``Path``, or a string with a path separator (``./x``, ``runs/x``, ``/abs``, ``~/x``), names a folder.

    Anything else is a model name: a folder in the working directory never stands in for a model.
    """
    if isinstance(value, os.PathLike):
        return True
    return any(sep and sep in value for sep in (os.sep, os.altsep, "/"))

