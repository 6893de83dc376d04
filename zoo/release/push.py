"""``zoo push``: upload an exported hub folder to a Hugging Face compatible hub.

Uses huggingface_hub (``create_repo`` then ``upload_folder``) with the endpoint
from ``HF_ENDPOINT`` (default: the Hugging Face hub) and the token from
``HF_TOKEN`` or a saved ``hf auth login``. When the folder is a plugin's hub
folder (``PACKAGE/hub/OWNER/NAME`` beside ``PACKAGE/registry.toml``), the
catalog entries that pin its files in that repo are pinned to the new commit.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from zoo.core.catalog import CatalogEntry, update_entries
from zoo.core.homes import CATALOG_FILE, WEIGHTS_FOLDER
from zoo.errors import HubError, ZooError
from zoo.hub.resolve import sha256_of
from zoo.hub.load import CONFIG_FILE, WEIGHTS_FILE, read_folder_config
from zoo.core.naming import repo_id_problem

REQUIRED = (CONFIG_FILE, WEIGHTS_FILE, "README.md")
PICKLES = ("*.pt", "*.pth", "*.bin", "*.ckpt", "*.pkl")


@dataclass(frozen=True)
class Pushed:
    """Where the folder went: the repo's URL, the commit that holds it, and the catalog pinned to it (if any)."""

    url: str
    revision: str
    catalog: Path | None = None


def check_folder(folder: Path) -> None:
    """A pushable folder is an exported hub folder: card, config, safetensors, no pickles."""
    if not folder.is_dir():
        raise ZooError(f"{folder} is not a folder; export a run first with `zoo export RUN_DIR --name NAME`")
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        raise ZooError(
            f"{folder} is not an exported hub folder: it has no {', '.join(missing)}. "
            "Write one with `zoo export RUN_DIR --name NAME`"
        )
    strange = sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                     if path.is_symlink() or not (path.is_file() or path.is_dir()))
    if strange:
        raise ZooError(
            f"{folder} holds symbolic links or special files ({', '.join(strange[:5])}), which a hub folder must "
            "not: a push would upload what they point to; export the run again"
        )
    pickles = sorted(str(path.relative_to(folder)) for pattern in PICKLES for path in folder.rglob(pattern))
    if pickles:
        raise ZooError(
            f"{folder} holds pickled files ({', '.join(pickles)}), which a hub folder must not: "
            "push the folder `zoo export` writes, not a run folder"
        )
    read_folder_config(folder)


def push_folder(
    folder: str | Path,
    repo: str,
    *,
    private: bool = False,
    message: str | None = None,
    token: str | None = None,
    endpoint: str | None = None,
) -> Pushed:
    """Create ``repo`` if needed and upload ``folder`` to it in one commit."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HTTPError, HfHubHTTPError

    folder = Path(folder)
    problem = repo_id_problem(repo)
    if problem:
        raise ZooError(f"--repo {problem}")
    check_folder(folder)
    endpoint = endpoint or os.environ.get("HF_ENDPOINT") or None
    api = HfApi(endpoint=endpoint, token=token)
    where = endpoint or "the Hugging Face hub"
    try:
        url = api.create_repo(repo, repo_type="model", private=private, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo,
            folder_path=folder,
            repo_type="model",
            commit_message=message or f"Upload {folder.name} with zoo push",
            ignore_patterns=["*.tmp", "*.tmp.*", *PICKLES],
        )
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else None
        hint = " Log in with `hf auth login` or set HF_TOKEN." if status in (401, 403) else ""
        raise HubError(f"pushing to {repo} at {where} failed: {exc}.{hint}") from None
    except (HTTPError, OSError) as exc:  # the transport's errors: no connection, offline mode
        raise HubError(f"cannot reach {where} to push {repo}: {exc}") from None
    return Pushed(url=str(url), revision=commit.oid, catalog=pin_commit(folder, repo, commit.oid))


def pin_commit(folder: Path, repo: str, commit: str) -> Path | None:
    """Pin ``commit`` in the catalog beside a plugin's hub folder (``HOME/hub/OWNER/NAME``), for the
    entries of ``repo`` whose pinned files the folder holds; returns the catalog when one was changed."""
    parents = folder.resolve().parents
    if len(parents) < 3 or parents[1].name != WEIGHTS_FOLDER or not (parents[2] / CATALOG_FILE).is_file():
        return None
    chosen: list[CatalogEntry] = []

    def pin(entries: Mapping[str, CatalogEntry]) -> list[CatalogEntry]:
        chosen.extend(replace(entry, pins=replace(entry.pins, revision=commit)) for entry in entries.values()
                      if entry.pins.repo == repo and _holds(folder, entry.pins.files))
        return chosen

    update_entries(parents[2] / CATALOG_FILE, pin)
    return parents[2] / CATALOG_FILE if chosen else None


def _holds(folder: Path, files: Mapping[str, str]) -> bool:
    """Whether ``folder`` has every pinned file with its sha256."""
    return all((folder / name).is_file() and sha256_of(folder / name) == digest for name, digest in files.items())
