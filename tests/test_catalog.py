"""registry.toml validation: every bad entry names the entry and the field."""
from __future__ import annotations

import copy
import json
import tomllib
from typing import Any

import pytest

import zoo
import zoo.core.registry
from conftest import CATALOG

from zoo.core.catalog import LEGACY_FIELDS, CatalogEntry, config_conflicts, format_entry, parse_catalog, read_catalog
from zoo.errors import CatalogError
from zoo.core.plugins import PluginWarning

WEIGHTS_SHA = "a" * 64
CONFIG_SHA = "0123456789abcdef" * 4
NAME = "toy-gan"


def valid_entry() -> dict[str, Any]:
    return {
        "plugin": "dcgan",
        "hub": {
            "repo": "zoo-org/toy-gan",
            "revision": "0123abc",
            "weights": "model.safetensors",
            "files": {"model.safetensors": WEIGHTS_SHA, "config.json": CONFIG_SHA},
        },
        "metrics": {"fid": 12.5, "epochs": 20, "dataset_split": "test"},
        "training": {"epochs": 20, "seed": 0},
    }


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def to_toml(entries: dict[str, dict[str, Any]]) -> str:
    out = []
    for name, entry in entries.items():
        out.append(f"[models.{json.dumps(name)}]")
        out.extend(f"{json.dumps(k)} = {toml_value(v)}" for k, v in entry.items())
        out.append("")
    return "\n".join(out)


def parse_one(entry: dict[str, Any]) -> CatalogEntry:
    return parse_catalog(to_toml({NAME: entry}), source="test-registry.toml")[NAME]


def test_valid_entry_parses() -> None:
    entry = parse_one(valid_entry())
    assert entry.name == NAME
    assert entry.plugin == "dcgan"
    assert entry.dataset is None  # the spec's
    assert entry.pins == zoo.PinnedFiles(
        repo="zoo-org/toy-gan",
        revision="0123abc",
        files={"model.safetensors": WEIGHTS_SHA, "config.json": CONFIG_SHA},
        weights="model.safetensors",
    )
    assert entry.pins.weights_sha256 == WEIGHTS_SHA
    assert entry.metrics == {"fid": 12.5, "epochs": 20, "dataset_split": "test"}
    assert entry.training == {"epochs": 20, "seed": 0}


def test_optional_fields_default() -> None:
    data = valid_entry()
    for key in ("metrics", "training"):
        del data[key]
    del data["hub"]["weights"]
    entry = parse_one(data)
    assert entry.pins.weights == "model.safetensors"
    assert entry.metrics == {} and entry.training == {}


def test_several_entries_and_empty_catalog() -> None:
    other = valid_entry()
    other["plugin"] = "classifier"
    entries = parse_catalog(to_toml({"a-gan": valid_entry(), "b-clf": other}))
    assert sorted(entries) == ["a-gan", "b-clf"]
    assert entries["b-clf"].plugin == "classifier"
    assert parse_catalog("") == {}


def old_format_entry() -> dict[str, Any]:
    """An entry as the zoo wrote them before the catalog stopped repeating the spec and config.json."""
    return {"plugin": "dcgan", "family": "gan", "dataset": "mnist", "licence": "MIT",
            "config": {"latent_dim": 100, "width": 64}, **{k: v for k, v in valid_entry().items() if k != "plugin"}}


def test_an_old_format_entry_is_read_and_its_repeated_fields_ignored() -> None:
    entry = parse_one(old_format_entry())
    assert entry == parse_one(dict(valid_entry(), dataset="mnist"))
    assert all(not hasattr(entry, field) for field in LEGACY_FIELDS)


def test_a_written_entry_holds_pins_training_and_measurements_only() -> None:
    block = format_entry(parse_one(old_format_entry()))
    keys = {line.split(" = ")[0] for line in block.splitlines() if " = " in line}
    assert keys.isdisjoint(LEGACY_FIELDS) and {"plugin", "repo", "files", "fid", "seed"} <= keys
    assert "\ndataset = " not in format_entry(parse_one(valid_entry()))


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[part]
    data[last] = value


def _del(data: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data[part]
    del data[last]


DELETE = object()

BAD_ENTRIES = [
    # (id, path to change, new value or DELETE, field named in the error, words in the error)
    ("missing-plugin", "plugin", DELETE, "plugin", "is missing"),
    ("plugin-not-string", "plugin", 3, "plugin", "must be a string"),
    ("dataset-not-string", "dataset", 3, "dataset", "must be a string"),
    ("missing-hub", "hub", DELETE, "hub.repo", "is missing"),
    ("missing-repo", "hub.repo", DELETE, "hub.repo", "is missing"),
    ("repo-no-owner", "hub.repo", "toy-gan", "hub.repo", "owner/name"),
    ("repo-spaces", "hub.repo", "zoo org/toy gan", "hub.repo", "owner/name"),
    ("repo-too-deep", "hub.repo", "zoo/org/toy-gan", "hub.repo", "owner/name"),
    ("repo-url", "hub.repo", "https://huggingface.co/zoo/toy", "hub.repo", "owner/name"),
    ("repo-dotdot-name", "hub.repo", "owner/..", "hub.repo", "owner/name"),
    ("repo-dotdot-owner", "hub.repo", "../toy-gan", "hub.repo", "owner/name"),
    ("repo-dotdot-inside", "hub.repo", "owner/a..b", "hub.repo", "no '..'"),
    ("missing-revision", "hub.revision", DELETE, "hub.revision", "is missing"),
    ("file-traversal", "hub.files", {"model.safetensors": WEIGHTS_SHA, "../../x.safetensors": WEIGHTS_SHA},
     "hub.files", "plain file name"),
    ("file-absolute", "hub.files", {"model.safetensors": WEIGHTS_SHA, "/etc/x.safetensors": WEIGHTS_SHA},
     "hub.files", "plain file name"),
    ("file-in-folder", "hub.files", {"model.safetensors": WEIGHTS_SHA, "sub/x.json": WEIGHTS_SHA}, "hub.files",
     "plain file name"),
    ("file-backslash", "hub.files", {"model.safetensors": WEIGHTS_SHA, "..\\x.json": WEIGHTS_SHA}, "hub.files",
     "plain file name"),
    ("files-not-table", "hub.files", "model.safetensors", "hub.files", "must be a table"),
    ("files-empty", "hub.files", {}, "hub.files", "at least one file"),
    ("sha-short", "hub.files", {"model.safetensors": "abc123"}, "hub.files.model.safetensors", "sha256"),
    ("sha-uppercase", "hub.files", {"model.safetensors": "A" * 64}, "hub.files.model.safetensors", "sha256"),
    ("sha-not-hex", "hub.files", {"model.safetensors": "g" * 64}, "hub.files.model.safetensors", "sha256"),
    ("sha-not-string", "hub.files", {"model.safetensors": 12}, "hub.files.model.safetensors", "sha256"),
    ("sha-of-other-file-bad", "hub.files.config.json", "nope", "hub.files.config.json", "sha256"),
    ("missing-weights-sha", "hub.files", {"config.json": CONFIG_SHA}, "hub.files", "weights file 'model.safetensors'"),
    (
        "weights-not-safetensors",
        "hub",
        {"repo": "zoo-org/toy-gan", "revision": "r", "weights": "model.pt", "files": {"model.pt": WEIGHTS_SHA}},
        "hub.weights",
        ".safetensors",
    ),
    (
        "weights-pickle-bin",
        "hub",
        {"repo": "zoo-org/toy-gan", "revision": "r", "weights": "pytorch_model.bin", "files": {"pytorch_model.bin": WEIGHTS_SHA}},
        "hub.weights",
        ".safetensors",
    ),
    ("weights-not-string", "hub.weights", 5, "hub.weights", "must be a string"),
    ("metrics-list", "metrics.fid", [1.0, 2.0], "metrics.fid", "number or string"),
    ("metrics-bool", "metrics.converged", True, "metrics.converged", "number or string"),
    ("metrics-table", "metrics.fid", {"mean": 1.0}, "metrics.fid", "number or string"),
    ("metrics-not-table", "metrics", 12.5, "metrics", "must be a table"),
    ("training-not-table", "training", [1, 2], "training", "must be a table"),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [case[1:] for case in BAD_ENTRIES],
    ids=[case[0] for case in BAD_ENTRIES],
)
def test_bad_entry_names_entry_and_field(path: str, value: Any, field: str, words: str) -> None:
    data = copy.deepcopy(valid_entry())
    if value is DELETE:
        _del(data, path)
    elif path.startswith("hub.files."):
        data["hub"]["files"][path.removeprefix("hub.files.")] = value
    else:
        _set(data, path, value)
    with pytest.raises(zoo.CatalogError) as excinfo:
        parse_one(data)
    message = str(excinfo.value)
    assert "test-registry.toml" in message
    assert f"entry {NAME!r}" in message
    assert f"field {field!r}" in message
    assert words in message
    assert isinstance(excinfo.value, zoo.ZooError)


def test_bad_entry_among_good_ones_is_named() -> None:
    bad = valid_entry()
    bad["hub"]["repo"] = "nope"
    with pytest.raises(zoo.CatalogError, match=r"entry 'second-gan': field 'hub.repo'"):
        parse_catalog(to_toml({"first-gan": valid_entry(), "second-gan": bad}))


@pytest.mark.parametrize("name", ["../x", "a/b", "Upper-gan", "-gan", "x" * 101])
def test_bad_model_name_of_an_entry_is_named(name: str) -> None:
    with pytest.raises(CatalogError, match="the model name"):
        parse_catalog(to_toml({name: valid_entry()}))


@pytest.mark.parametrize("value", ['"just a string"', "3", "[1, 2]"])
def test_non_table_entry(value: str) -> None:
    text = f"[models]\n{NAME} = {value}\n"
    with pytest.raises(zoo.CatalogError) as excinfo:
        parse_catalog(text, source="test-registry.toml")
    message = str(excinfo.value)
    assert f"entry {NAME!r}" in message
    assert "must be a table" in message
    assert "test-registry.toml" in message


def test_models_not_a_table() -> None:
    with pytest.raises(zoo.CatalogError, match="'models' must be a table"):
        parse_catalog('models = "everything"\n', source="test-registry.toml")


@pytest.mark.parametrize(
    "text",
    [
        "[models.toy-gan\nplugin = 'dcgan'\n",
        "[models.toy-gan]\nplugin = dcgan\n",
        "[models.toy-gan]\nplugin = 'a'\nplugin = 'b'\n",
    ],
    ids=["unclosed-header", "bare-value", "duplicate-key"],
)
def test_invalid_toml(text: str) -> None:
    with pytest.raises(zoo.CatalogError) as excinfo:
        parse_catalog(text, source="test-registry.toml")
    message = str(excinfo.value)
    assert "test-registry.toml is not valid TOML" in message
    assert "line" in message  # the decoder's position survives


def test_read_catalog_missing_file_is_empty(tmp_path) -> None:
    from zoo.core.catalog import read_catalog

    assert read_catalog(tmp_path / "absent.toml") == {}
    path = tmp_path / "registry.toml"
    path.write_text("[models.x\n", encoding="utf-8")
    with pytest.raises(zoo.CatalogError, match="registry.toml is not valid TOML"):
        read_catalog(path)


# --- merging the catalog into the registry (_attach) -----------------------


@pytest.fixture
def builtins_only(monkeypatch: pytest.MonkeyPatch, builtin_catalog):
    """Two built-in plugins, whose catalog is the test's own file (returned)."""
    monkeypatch.setenv("ZOO_LOAD_PLUGINS", "dcgan,classifier")
    monkeypatch.delenv("ZOO_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("ZOO_STRICT_PLUGINS", raising=False)
    yield builtin_catalog


def write_catalog(path, name: str, **changes: Any) -> None:
    data = valid_entry()
    data.update(changes)
    path.write_text(to_toml({name: data}), encoding="utf-8")


def test_catalog_entry_attaches_to_spec(builtins_only) -> None:
    write_catalog(builtins_only, "dcgan-mnist")
    registry = zoo.core.registry.get_registry()
    spec = registry.get("dcgan-mnist")
    assert spec.plugin == "dcgan"
    assert spec.pins is not None
    assert spec.pins.repo == "zoo-org/toy-gan"
    assert spec.pins.weights_sha256 == WEIGHTS_SHA
    assert (spec.config["width"], spec.config["clusters"]) == (64, 100)  # the spec's config, all of it
    assert (spec.dataset, spec.licence) == ("mnist", "MIT")  # the spec's
    assert spec.metrics["fid"] == 12.5
    assert registry.get("mnist-classifier").pins is None


@pytest.mark.parametrize(
    "changes", [{"dataset": "fashion-mnist"}, {"training": {"dataset": "fashion-mnist", "seed": 0}}], ids=["entry", "training"]
)
def test_weights_trained_on_another_dataset_say_so_in_the_entry_or_its_training_record(builtins_only, changes) -> None:
    write_catalog(builtins_only, "dcgan-mnist", **changes)
    assert zoo.core.registry.get_spec("dcgan-mnist").dataset == "fashion-mnist"


def test_an_old_format_entry_attaches_and_its_config_is_not_the_source(builtins_only) -> None:
    """A user's own catalog in the older format still loads: its repeated family, licence and config are
    ignored, even where they disagree (the spec and the pinned config.json are the sources)."""
    old = old_format_entry()
    write_catalog(builtins_only, "dcgan-mnist", **dict(old, family="gan", licence="CC0", config={"width": 8}))
    spec = zoo.core.registry.get_spec("dcgan-mnist")
    assert spec.pins is not None and spec.pins.weights_sha256 == WEIGHTS_SHA
    assert (spec.config["width"], spec.licence, spec.family) == (64, "MIT", "gan")


def test_a_run_config_may_repeat_the_spec_with_arrays_for_tuples() -> None:
    spec = {"hidden": (512, 256), "width": 8, "positions": True}
    assert config_conflicts({"hidden": [512, 256], "width": 8, "positions": True}, spec, "in the run") == []
    assert config_conflicts({}, spec, "in the run") == []
    assert config_conflicts({"hidden": [512], "positions": 1}, spec, "in the run") == [
        "hidden = [512] in the run, [512, 256] in the spec",
        "positions = 1 in the run, true in the spec",
    ]


@pytest.mark.parametrize("name", sorted(read_catalog(CATALOG)))
def test_every_builtin_catalog_entry_attaches_and_holds_no_repeated_fields(name: str) -> None:
    from zoo.core.registry import get_spec

    assert get_spec(name).pins is not None  # the entry attached
    tables = tomllib.loads(CATALOG.read_text(encoding="utf-8"))["models"]
    assert set(tables[name]).isdisjoint(LEGACY_FIELDS)


def test_catalog_entry_for_unregistered_model_is_ignored(builtins_only) -> None:
    write_catalog(builtins_only, "not-registered-gan")
    registry = zoo.core.registry.get_registry()
    assert "not-registered-gan" not in registry.names()
    with pytest.raises(zoo.UnknownModelError):
        registry.get("not-registered-gan")


@pytest.mark.parametrize(
    ("name", "changes", "field", "values"),
    [
        ("dcgan-mnist", {"plugin": "classifier"}, "plugin", ("'classifier'", "'dcgan'")),
    ],
    ids=["plugin"],
)
def test_catalog_mismatch_is_reported_and_the_entry_left_out(builtins_only, monkeypatch, name, changes, field, values) -> None:
    write_catalog(builtins_only, name, **changes)
    with pytest.warns(PluginWarning) as caught:
        spec = zoo.core.registry.get_spec(name)
    assert spec.pins is None
    message = str(caught[0].message)
    assert f"entry {name!r}" in message and f"field {field!r}" in message and str(builtins_only) in message
    assert all(value in message for value in values)

    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")  # strict mode: the same problem is an error
    zoo.core.registry.reset()
    with pytest.raises(zoo.CatalogError, match=f"entry {name!r}: field {field!r}"):
        zoo.list_models()


def test_bad_catalog_file_is_reported_and_the_models_still_listed(builtins_only) -> None:
    builtins_only.write_text("[models.x\n", encoding="utf-8")
    with pytest.warns(PluginWarning, match="is not valid TOML"):
        assert "dcgan-mnist" in zoo.list_models()


def test_pins_come_from_the_catalog_file_not_the_parse_cache(builtins_only, monkeypatch, tmp_path) -> None:
    """A parse cache edited to pin other bytes (its text untouched) cannot make them load."""
    from zoo.core.catalog import parse_cache_dir

    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    write_catalog(builtins_only, "dcgan-mnist")
    zoo.list_models()  # fills the cache
    (cached,) = parse_cache_dir().glob("registry-*.json")
    copy_ = json.loads(cached.read_text())
    copy_["tables"]["models"]["dcgan-mnist"]["hub"]["files"]["model.safetensors"] = "f" * 64
    cached.write_text(json.dumps(copy_))
    zoo.core.registry.reset()

    registry = zoo.core.registry.get_registry()
    assert registry.get("dcgan-mnist").pins.weights_sha256 == "f" * 64  # listing may use the cache ...
    assert registry.pinned("dcgan-mnist").weights_sha256 == WEIGHTS_SHA  # ... a load never does


def test_unknown_top_level_table_is_an_error():
    with pytest.raises(CatalogError, match=r"unknown top-level table\(s\) model"):
        parse_catalog('[model.x]\nplugin = "dcgan"\n')


@pytest.mark.parametrize("field", ["plugin", "dataset"])
def test_empty_string_fields_are_errors(field):
    entry = valid_entry()
    entry[field] = " "
    with pytest.raises(CatalogError, match=f"'{field}' must not be empty"):
        parse_one(entry)


# --- the parse cache -----------------------------------------------------------


def test_registry_reads_are_cached_by_content_and_never_stale(tmp_path, monkeypatch):
    from zoo.core.catalog import format_entry, read_catalog

    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    registry = tmp_path / "registry.toml"
    entry = parse_catalog(to_toml({NAME: valid_entry()}))[NAME]
    registry.write_text(format_entry(entry))
    first = read_catalog(registry)
    assert len(list((tmp_path / "cache").glob("registry-*.json"))) == 1
    assert read_catalog(registry) == first == {NAME: entry}

    changed = dict(valid_entry(), dataset="fashion-mnist")
    registry.write_text(to_toml({NAME: changed}))
    assert read_catalog(registry)[NAME].dataset == "fashion-mnist"

    (cached,) = (tmp_path / "cache").glob(f"registry-*-{len(registry.read_text())}.json")
    cached.write_text('{"text": "half-writ')
    assert read_catalog(registry)[NAME].dataset == "fashion-mnist"  # a broken cache file is parsed again
    other = json.dumps({"text": "another registry", "tables": {"models": {}}})
    cached.write_text(other)
    assert read_catalog(registry)[NAME].dataset == "fashion-mnist"  # a copy of other text is never used


def test_registry_reads_work_when_the_cache_cannot_be_written(tmp_path, monkeypatch):
    from zoo.core.catalog import read_catalog

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("ZOO_CACHE", str(blocker / "cache"))
    registry = tmp_path / "registry.toml"
    registry.write_text(to_toml({NAME: valid_entry()}))
    assert read_catalog(registry)[NAME].plugin == "dcgan"


def test_a_cached_registry_is_still_validated(tmp_path, monkeypatch):
    from zoo.core.catalog import read_catalog

    monkeypatch.setenv("ZOO_CACHE", str(tmp_path / "cache"))
    registry = tmp_path / "registry.toml"
    registry.write_text(to_toml({NAME: dict(valid_entry(), dataset=3)}))
    for _ in range(2):
        with pytest.raises(CatalogError, match=r"'toy-gan'.*'dataset'"):
            read_catalog(registry)
