"""``zoo.load``: spec + verified weights -> a ready model in eval mode."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file

from zoo.core import limits
from zoo.core.files import open_regular
from zoo.hub import remote, resolve as hub
from zoo.errors import CatalogError, HubError, UnknownModelError
from zoo.hub.folders import check_finite, check_folder
from zoo.core.naming import model_name_problem, names_a_folder
from zoo.core.registry import get_registry, get_spec
from zoo.core.spec import ModelSpec

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"


def load(
    name: str | Path,
    device: str | torch.device | None = None,
    dtype: torch.dtype | None = None,
) -> torch.nn.Module:
    """Load a pretrained model by registered name, from a hub repo, or from a hub-layout folder given as a path.

    A name is looked up in the registry only, and its weights are verified
    against the sha256 pinned in its distribution's catalog before they are
    read; the architecture is built from the pinned ``config.json``
    (:func:`pinned_config`). ``hf-hub:OWNER/NAME@COMMIT`` fetches a repo made by ``zoo export``
    (config and safetensors only) and builds it with an installed plugin
    (:mod:`zoo.hub.remote`). A folder is loaded only when given as a ``Path`` or
    a string with a path separator (``./x``, ``runs/x``, an absolute path); it
    must hold ``config.json`` (written by ``zoo train``/``zoo export``) and
    ``model.safetensors``. Folders and hub repos are untrusted: their settings
    and tensors are checked before use.
    """
    if not isinstance(name, (str, Path)):
        raise TypeError(f"zoo.load() takes a model name or a folder path, got {type(name).__name__}")
    if remote.is_reference(name):
        fetched = remote.fetch_repo(remote.parse_reference(str(name)))
        spec, config, weights = _from_folder(fetched.folder)
    elif names_a_folder(name):
        spec, config, weights = _from_folder(Path(name).expanduser())
    else:
        spec = registered_spec(name)
        config = pinned_config(spec)
        weights = hub.fetch(spec.name).path
    model = instantiate(spec, config)
    _load_weights(model, weights, spec.name)
    model.eval().requires_grad_(False)
    return model.to(device=device, dtype=dtype)


def registered_spec(name: str) -> ModelSpec:
    """``get_spec(name)``; an unknown name that is also a folder here gets a hint to pass it as a path."""
    try:
        return get_spec(name)
    except UnknownModelError as exc:
        if _is_folder(name):
            raise UnknownModelError(f"{exc} To load the folder {name!r}, pass it as a path: ./{name}") from None
        raise


def _is_folder(name: str) -> bool:
    try:
        return Path(name).expanduser().is_dir()
    except OSError:  # a name too long to be a path
        return False


def instantiate(spec: ModelSpec, config: dict[str, Any] | None = None) -> torch.nn.Module:
    """Build the architecture of ``spec`` (random weights) from a config."""
    model = spec.builder()(**(spec.config if config is None else config))
    model.spec = spec
    return model


def pinned_config(spec: ModelSpec, local_only: bool = False) -> dict[str, Any] | None:
    """The architecture config of ``spec``'s pretrained weights: the spec's config with the settings of
    the ``config.json`` its catalog pins, sha256-verified (the spec's alone when no config.json is pinned).

    ``local_only`` looks only where no network is needed (``ZOO_HUB`` folders, installed weights, the
    hub's cache) and gives None when the file is not there; a file that does not match its pin is an error.
    """
    registry = get_registry()
    pins = registry.pinned(spec.name)
    if pins is None or CONFIG_FILE not in pins.files:
        return dict(spec.config)
    found = hub.resolve(pins, CONFIG_FILE, shipped=registry.weight_folders(spec.name), local_only=local_only)
    if found is None:
        return None
    data = read_config(found.path)
    if data["zoo_model"] != spec.name:
        raise CatalogError(f"{found.path}: field 'zoo_model' is {data['zoo_model']!r}, but it is pinned for {spec.name!r}")
    if not isinstance(data["config"], dict):
        raise CatalogError(f"{found.path}: field 'config' must map settings to values")
    return {**spec.config, **data["config"]}


def read_folder_config(folder: Path) -> dict[str, Any]:
    """A model folder's config.json (:func:`read_config`)."""
    path = folder / CONFIG_FILE
    if not (path.exists() or path.is_symlink()):
        raise HubError(f"{folder} is not a zoo model folder: it has no {CONFIG_FILE}")
    return read_config(path)


def read_config(path: Path) -> dict[str, Any]:
    """A model's config.json: a regular file of at most ``MAX_CONFIG_BYTES``, UTF-8 JSON nested
    at most ``MAX_CONFIG_DEPTH`` deep, a table with ``zoo_model`` and ``config``."""
    with open_regular(path, follow_links=True) as handle:
        raw = handle.read(limits.MAX_CONFIG_BYTES + 1)
    if len(raw) > limits.MAX_CONFIG_BYTES:
        raise CatalogError(f"{path} is larger than {limits.MAX_CONFIG_BYTES} bytes; it is not a zoo config")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path} is not valid UTF-8 JSON: {exc}") from None
    except RecursionError:
        raise CatalogError(f"{path} is nested too deeply; it is not a zoo config") from None
    limits.check_nesting(data, path)
    if not isinstance(data, dict):
        raise CatalogError(f"{path} must hold a JSON object, got {type(data).__name__}")
    for key in ("zoo_model", "config"):
        if key not in data:
            raise CatalogError(f"{path}: field {key!r} is missing")
    problem = model_name_problem(data["zoo_model"])
    if problem:
        raise CatalogError(f"{path}: field 'zoo_model' {problem}")
    return data


def _from_folder(folder: Path) -> tuple[ModelSpec, dict[str, Any], Path]:
    data = read_folder_config(folder)
    spec = get_spec(data["zoo_model"])
    weights = folder / WEIGHTS_FILE
    if not weights.exists():
        raise HubError(f"{folder} has no {WEIGHTS_FILE}")
    _check_readable(weights)
    check_folder(spec, data["config"], weights)
    training = data.get("training")
    trained_on = training.get("dataset") if isinstance(training, dict) else None
    if isinstance(trained_on, str) and trained_on and trained_on != spec.dataset:
        spec = spec.with_updates(dataset=trained_on)
    return spec, {**spec.config, **data["config"]}, weights


def _check_readable(path: Path) -> None:
    """Open ``path`` here, so that a file that cannot be read is refused with the real reason
    (safetensors reports every file it cannot open as missing, and blocks on a FIFO)."""
    try:
        with open_regular(path, follow_links=True):
            pass
    except OSError as exc:
        raise HubError(f"cannot read {path}: {exc.strerror or exc}") from None


def _load_weights(model: torch.nn.Module, path: Path, name: str) -> None:
    state = load_file(str(path))
    check_finite(state, path)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise CatalogError(
            f"weights in {path} do not fit the architecture of {name!r} (check its config): {exc}"
        ) from None
