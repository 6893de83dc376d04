"""registry.toml: the catalog of pretrained models (pinned hub files and measurements), validated on read.

An entry holds the pins of a model's files, its training record and its
measurements, and names the plugin that registers it; everything else about
the model (family, licence, architecture) is its spec's, and the architecture
its weights were trained with is the pinned ``config.json``'s. Entries of the
older format, which also repeated ``family``, ``licence`` and ``config``, are
read: those fields are ignored, and the zoo never writes them again
(:data:`LEGACY_FIELDS`).
"""
from __future__ import annotations

import json
import os
import re
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from zoo.errors import CatalogError
from zoo.core.files import folder_lock, write_bytes_atomically
from zoo.core.naming import file_name_problem, is_commit, model_name_problem, repo_id_problem, revision_problem
from zoo.core.spec import PinnedFiles

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Fields of the older entry format that repeated the spec and config.json: read, ignored, never written.
LEGACY_FIELDS = ("family", "licence", "config")


@dataclass(frozen=True)
class CatalogEntry:
    """One ``[models.NAME]`` table of registry.toml: which plugin's model it pins, the pins, the training
    record and the measurements. ``dataset`` is set only for weights trained on another dataset than
    the one the model's spec names, when their training record does not name it."""

    name: str
    plugin: str
    pins: PinnedFiles
    metrics: Mapping[str, Any]
    training: Mapping[str, Any]
    bench: Mapping[str, Any] = field(default_factory=dict)  # written by `zoo bench --record`
    dataset: str | None = None


class _Fields:
    """Typed access to one entry's fields with errors naming entry and field."""

    def __init__(self, source: str, name: str, table: Mapping[str, Any]) -> None:
        self.source, self.name, self.table = source, name, table

    def error(self, field: str, problem: str) -> CatalogError:
        return CatalogError(f"{self.source}: entry {self.name!r}: field {field!r} {problem}")

    def get(self, field: str, kind: type, required: bool = True, default: Any = None) -> Any:
        node: Any = self.table
        for part in field.split("."):
            if not isinstance(node, Mapping) or part not in node:
                if required:
                    raise self.error(field, "is missing")
                return default
            node = node[part]
        if not isinstance(node, kind):
            raise self.error(field, f"must be a {_kind_name(kind)}, got {type(node).__name__} {node!r}")
        if kind is str and not node.strip():
            raise self.error(field, "must not be empty")
        return node


def _kind_name(kind: type) -> str:
    return {str: "string", dict: "table", int: "integer"}.get(kind, kind.__name__)


def parse_entry(source: str, name: str, table: Any) -> CatalogEntry:
    fields = _Fields(source, name, table if isinstance(table, Mapping) else {})
    if not isinstance(table, Mapping):
        raise CatalogError(f"{source}: entry {name!r} must be a table, got {type(table).__name__}")
    problem = model_name_problem(name)
    if problem:
        raise CatalogError(f"{source}: entry {name!r}: the model name {problem}")
    repo = fields.get("hub.repo", str)
    problem = repo_id_problem(repo)
    if problem:
        raise fields.error("hub.repo", problem)
    revision = fields.get("hub.revision", str)
    problem = revision_problem(revision)
    if problem:
        raise fields.error("hub.revision", problem)
    files = fields.get("hub.files", dict)
    if not files:
        raise fields.error("hub.files", "must list at least one file with its sha256")
    for file_name, digest in files.items():
        problem = file_name_problem(file_name)
        if problem:
            raise fields.error("hub.files", f"names a file that {problem}")
        if not isinstance(digest, str) or not SHA256.match(digest):
            raise fields.error(f"hub.files.{file_name}", f"must be a 64-character lowercase hex sha256, got {digest!r}")
    weights = fields.get("hub.weights", str, required=False, default="model.safetensors")
    if not weights.endswith(".safetensors"):
        raise fields.error("hub.weights", f"must name a .safetensors file (pickles are never loaded), got {weights!r}")
    if weights not in files:
        raise fields.error("hub.files", f"has no sha256 for the weights file {weights!r}")
    metrics, bench = (_measured(fields, table) for table in ("metrics", "bench"))
    return CatalogEntry(
        name=name,
        plugin=fields.get("plugin", str),
        dataset=fields.get("dataset", str, required=False),
        pins=PinnedFiles(
            repo=repo,
            revision=revision,
            files=dict(files),
            weights=weights,
        ),
        metrics=metrics,
        training=fields.get("training", dict, required=False, default={}),
        bench=bench,
    )


def config_conflicts(config: Mapping[str, Any], spec_config: Mapping[str, Any], where: str) -> list[str]:
    """The settings of a ``config`` (a run's: say ``where``) that disagree with the spec's, each as
    ``"width = 64 in the run, 32 in the spec"``; empty when it only repeats the spec."""
    conflicts = []
    for key, value in config.items():
        if key not in spec_config:
            conflicts.append(f"{key} = {_shown(value)} {where}, not set in the spec")
        elif _canonical(value) != _canonical(spec_config[key]):
            conflicts.append(f"{key} = {_shown(value)} {where}, {_shown(spec_config[key])} in the spec")
    return conflicts


def _canonical(value: Any) -> str:
    """A value as JSON, so that a TOML array equals a tuple and ``true`` never equals ``1``."""
    return json.dumps(value, sort_keys=True, default=repr)


def _shown(value: Any) -> str:
    """A setting as TOML writes it (as Python does if TOML cannot)."""
    try:
        return _toml_value(value)
    except TypeError:
        return repr(value)


def _measured(fields: _Fields, table: str) -> dict[str, Any]:
    """An optional table of numbers and strings (``metrics``, ``bench``)."""
    values = fields.get(table, dict, required=False, default={})
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise fields.error(f"{table}.{key}", f"must be a number or string, got {value!r}")
    return values


def parse_catalog(text: str, source: str = "registry.toml") -> dict[str, CatalogEntry]:
    """Parse and validate registry.toml text into entries keyed by model name."""
    return validate_catalog(_load_toml(text, source), source)


def _load_toml(text: str, source: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{source} is not valid TOML: {exc}") from None


def validate_catalog(data: Mapping[str, Any], source: str) -> dict[str, CatalogEntry]:
    """Validate the parsed tables of registry.toml into entries keyed by model name."""
    unknown = sorted(set(data) - {"models"})
    if unknown:
        raise CatalogError(f"{source}: unknown top-level table(s) {', '.join(unknown)}; entries go in [models.NAME]")
    models = data.get("models", {})
    if not isinstance(models, Mapping):
        raise CatalogError(f"{source}: 'models' must be a table of [models.NAME] entries")
    return {name: parse_entry(source, name, table) for name, table in models.items()}


def read_pins(path: Path, name: str) -> PinnedFiles:
    """The hub files pinned for ``name`` in the catalog file itself, parsed afresh.

    The parse cache of :func:`read_catalog` speeds up listing; a sha256 that
    decides what is loaded comes from the file only.
    """
    entries = parse_catalog(read_text(path), str(path))
    if name not in entries:
        raise CatalogError(f"{path} has no entry for {name!r} any more; it changed while the zoo was running")
    return entries[name].pins


def read_catalog(path: Path) -> dict[str, CatalogEntry]:
    """The validated entries of a registry.toml file (none if it does not exist).

    The parsed TOML is cached as JSON together with the text it came from (see
    :func:`parse_cache_dir`): parsing TOML is the slowest part of ``zoo list``,
    and a copy is used only when its text equals the file's, so it is never stale.
    Pins that decide a load come from :func:`read_pins`, never from this cache.
    """
    if not path.exists():
        return {}
    text = read_text(path)
    cached = parse_cache_dir() / f"registry-{zlib.crc32(text.encode()):08x}-{len(text)}.json"
    try:
        copy = json.loads(cached.read_bytes())
        if copy["text"] != text:
            raise ValueError("another registry with the same checksum")
        data = copy["tables"]
    except (OSError, ValueError, KeyError, TypeError):
        data = _load_toml(text, str(path))
        _write_cache(cached, {"text": text, "tables": data})
    return validate_catalog(data, str(path))


def read_text(path: Path) -> str:
    """The text of a catalog file; a file that cannot be read or is not UTF-8 is a ``CatalogError`` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"the catalog {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8 or remove it"
        ) from None
    except OSError as exc:
        raise CatalogError(f"cannot read the catalog {path}: {exc.strerror or exc}") from None


def parse_cache_dir() -> Path:
    """``$ZOO_CACHE``, else ``$XDG_CACHE_HOME/generative-zoo``, else ``~/.cache/generative-zoo``."""
    if os.environ.get("ZOO_CACHE"):
        return Path(os.environ["ZOO_CACHE"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "generative-zoo"


def _write_cache(path: Path, data: Mapping[str, Any]) -> None:
    """Best effort: a read-only or full disk only costs the next start a TOML parse."""
    try:
        text = json.dumps(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(path, text.encode("utf-8"))
    except (OSError, TypeError, ValueError):
        pass


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")  # TOML's basic string escapes
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def format_entry(entry: CatalogEntry) -> str:
    """The ``[models.NAME]`` block of registry.toml for one entry."""
    head = f"models.{_toml_key(entry.name)}"
    lines = [f"[{head}]", f"plugin = {_toml_value(entry.plugin)}"]
    if entry.dataset is not None:
        lines.append(f"dataset = {_toml_value(entry.dataset)}")
    lines += [
        "",
        f"[{head}.hub]",
        f"repo = {_toml_value(entry.pins.repo)}",
        f"revision = {_toml_value(entry.pins.revision)}",
        f"weights = {_toml_value(entry.pins.weights)}",
        f"files = {_toml_value(dict(entry.pins.files))}",
    ]
    for table in ("metrics", "training", "bench"):
        values = getattr(entry, table)
        if values:
            lines += ["", f"[{head}.{table}]"] + [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def upsert_entries(path: Path, entries: Sequence[CatalogEntry]) -> None:
    """Replace (or append) these models' blocks in registry.toml in one write, keeping the rest as written.

    The file is re-read under the catalog's lock and replaced atomically, so
    concurrent writers each keep the others' entries. An entry whose files are
    the ones already pinned keeps the commit they were pinned at (``zoo push``
    pins it), rather than a branch.
    """
    with folder_lock(_folder_of(path)):
        text = read_text(path) if path.exists() else ""
        before = _pinned_before(text, path)
        entries = [_keeping_commit(entry, before) for entry in entries]
        _write_blocks(path, text, entries, [_checked_block(entry) for entry in entries])


def _pinned_before(text: str, path: Path) -> dict[str, CatalogEntry]:
    try:
        return parse_catalog(text, str(path))
    except CatalogError:  # a catalog being repaired by this very write
        return {}


def _keeping_commit(entry: CatalogEntry, before: Mapping[str, CatalogEntry]) -> CatalogEntry:
    old = before.get(entry.name)
    if old is None or is_commit(entry.pins.revision) or not is_commit(old.pins.revision):
        return entry
    if (old.pins.repo, dict(old.pins.files)) != (entry.pins.repo, dict(entry.pins.files)):
        return entry
    return replace(entry, pins=replace(entry.pins, revision=old.pins.revision))


def update_entries(
    path: Path, change: Callable[[Mapping[str, CatalogEntry]], Sequence[CatalogEntry]]
) -> dict[str, CatalogEntry]:
    """Rewrite entries of an existing catalog from the file itself, never from a cache.

    Under the catalog's lock the file is read and validated, ``change`` maps its
    entries to the ones to write, and the file is replaced atomically. Returns
    the entries as the file held them.
    """
    with folder_lock(_folder_of(path)):
        text = read_text(path)
        entries = parse_catalog(text, str(path))
        changed = change(entries)
        _write_blocks(path, text, changed, [_checked_block(entry) for entry in changed])
    return entries


def _folder_of(path: Path) -> Path:
    folder = path.parent
    if not folder.is_dir():
        raise CatalogError(f"cannot write the catalog {path}: the folder {folder} does not exist")
    return folder


def _checked_block(entry: CatalogEntry) -> str:
    block = format_entry(entry)
    parse_catalog(block, source=f"new entry for {entry.name}")
    return block


def _write_blocks(path: Path, text: str, entries: Sequence[CatalogEntry], blocks: Sequence[str]) -> None:
    """Write ``text`` with the blocks of ``entries`` replaced by (or appended as) ``blocks``."""
    keys = [_toml_key(entry.name) for entry in entries]
    headers = tuple(f"[models.{key}]" for key in keys) + tuple(f"[models.{key}." for key in keys)
    kept: list[str] = []
    inside = False
    for line in text.splitlines(keepends=True):
        if line.startswith("["):
            inside = line.startswith(headers)
        if not inside:
            kept.append(line)
    body = "".join(kept).rstrip("\n")
    write_bytes_atomically(path, "\n\n".join(([body] if body else []) + [b.rstrip("\n") for b in blocks]).encode() + b"\n")
