"""Export and publish: run folder -> hub folder with model card and registry entry -> the same
samples from the folder and through ZOO_HUB (local folder and hub server); zoo push."""
from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from safetensors.torch import load_file

import zoo
import zoo.release.publish
import zoo.core.registry
from zoo.core.catalog import format_entry, parse_catalog
from zoo.cli import main
from zoo_plugins.crosses.data import crosses
from zoo.errors import HubError, ZooError
from zoo.hub.resolve import sha256_of
from zoo.hub.load import instantiate
from zoo.release.publish import export_run
from zoo.core.registry import get_spec
from zoo.train.trainer import Trainer

from hub_server import HubServer, hub_server  # noqa: F401 - hub_server is a fixture

pytestmark = pytest.mark.usefixtures("one_torch_thread")

REPO = "zoo-tests/tiny-dcgan"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """One epoch of dcgan-mnist on 256 crosses, with the spec's config: its catalog entry pins
    weights of the spec's architecture."""
    out = tmp_path_factory.mktemp("run")
    data = crosses(256, seed=0)[0]
    return Trainer(get_spec("dcgan-mnist"), out, data=data, hparams={"epochs": 1, "batch_size": 32},
                   progress=False).run()


@pytest.fixture
def hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private huggingface_hub cache, online, with no token and no proxy."""
    from huggingface_hub import constants

    cache = tmp_path / "hf-home" / "hub"
    for name in ("HF_TOKEN", "HF_ENDPOINT", "HF_HUB_OFFLINE", "ZOO_HUB", "HTTP_PROXY", "HTTPS_PROXY",
                 "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(cache.parent / "token"))
    monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", str(cache.parent / "stored_tokens"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_PROGRESS_BARS", True)
    return cache


@pytest.fixture
def catalog(builtin_catalog: Path):
    """The built-in plugins' catalog is a registry.toml of the test's own."""
    return builtin_catalog


def front_matter(card: str) -> dict:
    from huggingface_hub import ModelCard

    return ModelCard(card).data.to_dict()


# -- export ---------------------------------------------------------------------------------


def test_exported_folder_loads_the_same_from_folder_zoo_hub_folder_and_hub_server(
    run_dir, hub_server: HubServer, hf_cache, catalog, monkeypatch  # noqa: F811
):
    folder = hub_server.root / REPO
    entry = export_run(run_dir, folder, repo=REPO, with_metrics=False, name="dcgan-mnist").entry

    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "config.json", "losses.png",
                                                        "model.safetensors", "samples.png"]
    generator_keys = set(instantiate(get_spec("dcgan-mnist")).state_dict())
    assert set(load_file(str(folder / "model.safetensors"))) == generator_keys  # sampling weights only
    assert entry.pins.files == {name: sha256_of(folder / name) for name in ("model.safetensors", "config.json")}
    meta = front_matter((folder / "README.md").read_text())
    assert (meta["library_name"], meta["license"], meta["datasets"]) == ("generative-zoo", "mit", ["mnist"])
    assert {"gan", "dcgan"} <= set(meta["tags"])

    catalog.write_text(format_entry(entry))
    zoo.core.registry.reset()
    expected = zoo.load(folder).sample(16, seed=3)
    monkeypatch.setenv("ZOO_HUB", str(hub_server.root))
    assert torch.equal(zoo.load("dcgan-mnist").sample(16, seed=3), expected)
    monkeypatch.setenv("ZOO_HUB", hub_server.url)
    assert torch.equal(zoo.load("dcgan-mnist").sample(16, seed=3), expected)
    assert hub_server.requests_for(REPO, "model.safetensors", "GET")


def test_export_cli_prints_the_registry_entry(run_dir, tmp_path, capsys, catalog):
    out = tmp_path / "hub" / "owner" / "tiny"
    assert main(["export", str(run_dir), "--name", "dcgan-mnist", "--repo", "owner/tiny", "--out", str(out),
                 "--no-metrics"]) == 0
    printed = capsys.readouterr().out
    entry = parse_catalog(printed[printed.index("[models."):])["dcgan-mnist"]
    assert entry.pins.repo == "owner/tiny"
    assert entry.pins.files["model.safetensors"] == sha256_of(out / "model.safetensors")
    assert "\nconfig = " not in printed and entry.dataset is None  # the architecture is config.json's alone
    assert json.loads((out / "config.json").read_text())["zoo_model"] == "dcgan-mnist"


def test_export_defaults_to_the_exports_folder(run_dir, tmp_path, monkeypatch, catalog):
    monkeypatch.chdir(tmp_path)
    exported = export_run(run_dir, with_metrics=False)
    assert exported.entry.pins.repo == "generative-zoo/dcgan-mnist"
    assert exported.folder == Path("exports/generative-zoo/dcgan-mnist")
    assert (tmp_path / "exports" / "generative-zoo" / "dcgan-mnist" / "model.safetensors").is_file()


def test_export_refuses_an_existing_folder_unless_forced(run_dir, tmp_path, catalog, capsys):
    out = tmp_path / "published"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["export", str(run_dir), "--out", str(out), "--no-metrics"]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]

    assert main(["export", str(run_dir), "--out", str(out), "--no-metrics", "--force"]) == 0
    assert not (out / "keep.txt").exists() and (out / "model.safetensors").is_file()


def test_a_failed_export_leaves_the_target_as_it_was(run_dir, tmp_path, catalog, monkeypatch):
    out = tmp_path / "published"
    export_run(run_dir, out, with_metrics=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken_card(*args, **kwargs):
        raise OSError("no space left for the card")

    monkeypatch.setattr(zoo.release.publish, "render_card", broken_card)
    with pytest.raises(OSError, match="no space left"):
        export_run(run_dir, out, with_metrics=False, force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["builtin-home", "published"]  # nothing half-built


def test_export_never_writes_into_the_run_folder_or_installed_weights_by_default(run_dir, tmp_path, catalog,
                                                                                monkeypatch):
    with pytest.raises(ZooError, match="outside the run folder"):
        export_run(run_dir, run_dir, with_metrics=False, force=True)
    installed = catalog.parent / "hub"
    installed.mkdir()
    zoo.core.registry.reset()
    monkeypatch.chdir(installed)
    with pytest.raises(ZooError, match="inside the installed weights"):
        export_run(run_dir, with_metrics=False)
    assert list(installed.iterdir()) == []
    export_run(run_dir, installed / "generative-zoo" / "dcgan-mnist", with_metrics=False)  # named: allowed


def test_export_refuses_a_name_of_another_architecture(run_dir, tmp_path, catalog):
    with pytest.raises(ZooError, match="cannot publish a run of 'dcgan-mnist' as 'mnist-classifier'"):
        export_run(run_dir, tmp_path, with_metrics=False, name="mnist-classifier")
    with pytest.raises(ZooError, match="unknown model 'dcgan-mnits'"):
        export_run(run_dir, tmp_path, with_metrics=False, name="dcgan-mnits")
    with pytest.raises(ZooError, match="is not a folder"):
        export_run(tmp_path / "missing", tmp_path, with_metrics=False)


def test_export_refuses_a_run_trained_with_other_settings_than_the_spec(run_dir, tmp_path, catalog):
    other = tmp_path / "run-at-64"
    shutil.copytree(run_dir, other)
    config = json.loads((other / "config.json").read_text())
    config["config"]["image_size"] = 64
    (other / "config.json").write_text(json.dumps(config))
    with pytest.raises(ZooError, match=r"image_size = 64 in the run, 28 in the spec.*--name"):
        export_run(other, tmp_path / "out", with_metrics=False, catalogued=True)
    assert not (tmp_path / "out").exists()


def test_model_card_metadata_has_metrics_as_a_model_index():
    from zoo.hub.card import render_card

    spec = get_spec("dcgan-mnist")
    metrics = {"class_coverage": 10, "kl_to_uniform": 0.01, "fid": 3.2, "samples": 10000, "seed": 0}
    meta = front_matter(render_card(spec, REPO, metrics, {"epochs": 20}, has_samples=True, image_shape=(1, 28, 28)))
    assert meta["metrics"] == ["class_coverage", "kl_to_uniform", "fid"]
    (result,) = meta["model-index"][0]["results"]
    assert result["task"]["type"] == "unconditional-image-generation"
    assert result["dataset"] == {"name": "mnist", "type": "mnist", "split": "test"}
    assert {m["type"]: m["value"] for m in result["metrics"]} == {"class_coverage": 10, "kl_to_uniform": 0.01, "fid": 3.2}
    assert all(m["args"] == {"samples": 10000, "seed": 0} for m in result["metrics"])


# -- push -----------------------------------------------------------------------------------


@pytest.fixture
def exported(run_dir, tmp_path, catalog) -> Path:
    folder = tmp_path / "export"
    export_run(run_dir, folder, with_metrics=False)
    return folder


@pytest.fixture
def fake_hub(monkeypatch):
    """HfApi.create_repo / upload_folder recorded instead of sent, arguments checked against the real signatures."""
    from huggingface_hub import HfApi

    calls: list[tuple[str, dict]] = []

    def recorder(name: str, result):
        signature = inspect.signature(getattr(HfApi, name))

        def method(self, *args, **kwargs):
            bound = signature.bind(self, *args, **kwargs)
            calls.append((name, {"endpoint": self.endpoint, "token": self.token, **bound.arguments}))
            return result

        return method

    monkeypatch.setattr(HfApi, "create_repo", recorder("create_repo", "https://hub.example/org/tiny"))
    monkeypatch.setattr(HfApi, "upload_folder", recorder("upload_folder", SimpleNamespace(oid="c0ffee")))
    return calls


def test_push_creates_the_repo_and_uploads_the_folder(exported, fake_hub, monkeypatch, capsys):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9/hub")
    assert main(["push", str(exported), "--repo", "org/tiny", "--private"]) == 0
    (create_name, create), (upload_name, upload) = fake_hub
    assert (create_name, upload_name) == ("create_repo", "upload_folder")
    assert create["repo_id"] == "org/tiny" and create["exist_ok"] is True and create["private"] is True
    assert upload["repo_id"] == "org/tiny" and Path(upload["folder_path"]) == exported
    assert create["endpoint"] == upload["endpoint"] == "http://127.0.0.1:9/hub"
    assert "*.pt" in upload["ignore_patterns"]
    assert "c0ffee" in capsys.readouterr().out


def test_push_passes_the_token(exported, fake_hub):
    from zoo.release.push import push_folder

    pushed = push_folder(exported, "org/tiny", token="hf_secret")
    assert pushed.revision == "c0ffee"
    assert all(call["token"] == "hf_secret" for _, call in fake_hub)


def test_push_refuses_missing_folders_bad_repo_ids_and_run_folders(exported, run_dir, tmp_path, fake_hub, capsys):
    assert main(["push", str(tmp_path / "nowhere"), "--repo", "org/tiny"]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main(["push", str(exported), "--repo", "not a repo"]) == 2
    assert "must look like 'owner/name'" in capsys.readouterr().err
    assert main(["push", str(run_dir), "--repo", "org/tiny"]) == 2
    assert "no README.md" in capsys.readouterr().err
    (exported / "last.pt").write_bytes(b"pickle")
    assert main(["push", str(exported), "--repo", "org/tiny"]) == 2
    assert "pickled files (last.pt)" in capsys.readouterr().err
    assert fake_hub == []


def test_push_explains_an_unreachable_hub(exported, monkeypatch):
    from zoo.release.push import push_folder

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(HubError, match="cannot reach http://127.0.0.1:9"):
        push_folder(exported, "org/tiny", token="hf_x")


def test_search_lists_the_zoos_published_models_with_their_distribution(run_dir, hub_server, catalog, capsys):  # noqa: F811
    export_run(run_dir, hub_server.root / REPO, repo=REPO, with_metrics=False)
    hub_server.add_file("someone/not-a-zoo-model", "README.md", b"---\nlibrary_name: diffusers\ntags: [x]\n---\n# x\n")

    assert main(["search", "--endpoint", hub_server.url]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split() == ["repo", "model", "distribution", "installed"]
    assert [row.split()[:3] for row in rows[1:]] == [[REPO, "dcgan-mnist", "generative-zoo"]]
    assert rows[1].split()[3] == zoo.core.entry_points.version("generative-zoo")
    assert any(r.path.startswith("/api/models?") and "filter=generative-zoo" in r.path for r in hub_server.requests)

    assert main(["search", "tiny", "--endpoint", hub_server.url]) == 0
    assert REPO in capsys.readouterr().out
    assert main(["search", "no-such-thing", "--endpoint", hub_server.url]) == 1
    assert "no published zoo model matches 'no-such-thing'" in capsys.readouterr().err


def test_search_explains_an_unreachable_hub(capsys, monkeypatch):
    from huggingface_hub.utils import _http

    monkeypatch.setattr(_http.time, "sleep", lambda seconds: None)  # the client's retry pauses
    assert main(["search", "--endpoint", "http://127.0.0.1:9"]) == 2
    assert "cannot reach http://127.0.0.1:9" in capsys.readouterr().err
