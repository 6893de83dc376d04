"""Plugin discovery through real entry points, broken-plugin isolation,
allow/deny lists, name collisions and unknown names."""
from __future__ import annotations

import importlib
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

import zoo
import zoo.core.registry
from zoo.core.plugins import PluginWarning

ZOO_ENV = ("ZOO_LOAD_PLUGINS", "ZOO_DISABLE_PLUGINS", "ZOO_STRICT_PLUGINS")


class Site:
    """A folder on sys.path holding installed-looking distributions (no pip)."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.modules: list[str] = []
        monkeypatch.syspath_prepend(str(root))

    def add_plugin(
        self,
        name: str,
        source: str | None,
        *,
        dist: str | None = None,
        version: str = "1.0",
        module: str | None = None,
    ) -> str:
        """Install distribution ``dist`` whose ``[zoo]`` entry point ``name``
        points at ``module``; ``source`` None leaves the module missing."""
        dist = dist or f"{name}-zoo"
        module = module or f"{name.replace('-', '_')}_zoo_plugin"
        info = self.root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(f"[zoo]\n{name} = {module}\n", encoding="utf-8")
        if source is not None:
            (self.root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        self.modules.append(module)
        importlib.invalidate_caches()
        return module


def models_source(*names: str, family: str = "gan") -> str:
    """A working plugin module registering ``names``."""
    lines = ["from zoo import ModelSpec, hookimpl", "", "@hookimpl", "def register_models(register):"]
    for name in names:
        lines.append(
            f"    register(ModelSpec(name={name!r}, family={family!r}, "
            f"build='third_party.model:Generator', summary='third-party {name}'))"
        )
    return "\n".join(lines) + "\n"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, builtin_catalog: Path):
    for var in ZOO_ENV:
        monkeypatch.delenv(var, raising=False)
    # Discovery is under test here, not the built-in catalog: builtin_catalog is left unwritten.
    root = tmp_path / "site-packages"
    root.mkdir()
    zoo.core.registry.reset()
    installed = Site(root, monkeypatch)
    yield installed
    zoo.core.registry.reset()
    for module in installed.modules:
        sys.modules.pop(module, None)


# --- discovery -------------------------------------------------------------


def test_entry_point_plugin_is_discovered(site: Site) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        assert "acme-gan" not in zoo.list_models()

    module = site.add_plugin("acme", models_source("acme-gan", "acme-gan-large"), dist="acme-zoo", version="1.2.3")
    assert "acme-gan" not in zoo.list_models(), "discovery is cached until reset()"
    zoo.core.registry.reset()

    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        names = zoo.list_models()
    assert {"acme-gan", "acme-gan-large", "dcgan-mnist", "mnist-classifier"} <= set(names)

    spec = zoo.core.registry.get_spec("acme-gan")
    assert spec.plugin == "acme"  # the entry-point name, not the module name
    assert spec.family == "gan"
    assert spec.summary == "third-party acme-gan"
    assert zoo.core.registry.get_spec("dcgan-mnist").plugin == "dcgan"

    plugins = zoo.core.registry.get_registry().plugins.plugins
    info = plugins["acme"]
    assert info.distribution == "acme-zoo"
    assert info.version == "1.2.3"
    assert info.module == module
    assert info.error is None
    assert info.models == ["acme-gan", "acme-gan-large"]
    assert plugins["dcgan"].distribution == "generative-zoo (built-in)"
    assert "dcgan-mnist" in plugins["dcgan"].models


# --- broken plugins --------------------------------------------------------

BROKEN = {
    "import-error": (
        """
        raise RuntimeError("kaboom while importing")
        """,
        "RuntimeError: kaboom while importing",
        [],
    ),
    "missing-module": (None, "ModuleNotFoundError", []),
    "unknown-hook": (
        """
        from zoo import ModelSpec, hookimpl

        @hookimpl
        def register_modelz(register):
            register(ModelSpec(name="typo-gan", family="gan", build="x.y:Z"))
        """,
        "unknown hook(s) register_modelz",
        ["typo-gan"],
    ),
    "half-way": (
        """
        from zoo import ModelSpec, hookimpl

        @hookimpl
        def register_models(register):
            register(ModelSpec(name="half-first", family="gan", build="x.y:Z"))
            raise ValueError("second model is broken")
        """,
        "register_models raised ValueError: second model is broken",
        ["half-first"],
    ),
    "not-a-spec": (
        """
        from zoo import hookimpl

        @hookimpl
        def register_models(register):
            register({"name": "dict-model", "family": "gan"})
        """,
        "register() takes a zoo.ModelSpec, got dict",
        ["dict-model"],
    ),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_plugin_warns_and_is_isolated(site: Site, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    source, error, its_models = BROKEN[kind]
    site.add_plugin("busted", source, dist="busted-dist", version="2.3")
    site.add_plugin("fine", models_source("fine-gan"))

    with pytest.warns(PluginWarning) as record:
        names = zoo.list_models()

    messages = [str(w.message) for w in record if issubclass(w.category, PluginWarning)]
    assert len(messages) == 1, messages
    message = messages[0]
    assert "'busted'" in message
    assert "busted-dist 2.3" in message
    assert error in message
    assert "ZOO_DISABLE_PLUGINS=busted" in message

    assert "dcgan-mnist" in names
    assert "mnist-classifier" in names
    assert "fine-gan" in names
    for name in its_models:  # nothing of a broken plugin is kept
        assert name not in names
        with pytest.raises(zoo.UnknownModelError):
            zoo.core.registry.get_spec(name)
    info = zoo.core.registry.get_registry().plugins.plugins["busted"]
    assert info.models == []
    assert error in info.error

    # The advice in the warning works: disabling the plugin silences it.
    monkeypatch.setenv("ZOO_DISABLE_PLUGINS", "busted")
    zoo.core.registry.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        assert {"dcgan-mnist", "fine-gan"} <= set(zoo.list_models())


@pytest.mark.parametrize("kind", list(BROKEN))
def test_strict_mode_raises_for_broken_plugin(site: Site, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    source, error, _ = BROKEN[kind]
    site.add_plugin("busted", source, dist="busted-dist", version="2.3")
    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    with pytest.raises(zoo.PluginError) as excinfo:
        zoo.list_models()
    message = str(excinfo.value)
    assert "'busted'" in message
    assert "busted-dist 2.3" in message
    assert error in message
    assert "ZOO_DISABLE_PLUGINS=busted" in message


def test_strict_mode_passes_with_healthy_plugins(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.add_plugin("fine", models_source("fine-gan"))
    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    assert {"dcgan-mnist", "fine-gan"} <= set(zoo.list_models())


# --- allow / deny lists ----------------------------------------------------


@pytest.mark.parametrize(
    ("load", "disable", "expected_plugins"),
    [
        (None, None, {"dcgan", "classifier", "acme"}),
        ("dcgan", None, {"dcgan"}),
        ("classifier, acme", None, {"classifier", "acme"}),
        ("acme", None, {"acme"}),
        (None, "dcgan", {"classifier", "acme"}),
        (None, "dcgan,acme", {"classifier"}),
        ("dcgan,acme", "acme", {"dcgan"}),
    ],
)
def test_load_and_disable_lists(
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
    load: str | None,
    disable: str | None,
    expected_plugins: set[str],
) -> None:
    module = site.add_plugin("acme", models_source("acme-gan"))
    if load is not None:
        monkeypatch.setenv("ZOO_LOAD_PLUGINS", load)
    if disable is not None:
        monkeypatch.setenv("ZOO_DISABLE_PLUGINS", disable)

    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        names = zoo.list_models()

    registry = zoo.core.registry.get_registry()
    trio = {"dcgan", "classifier", "acme"}
    assert set(registry.plugins.plugins) & trio == expected_plugins
    assert ("dcgan-mnist" in names) == ("dcgan" in expected_plugins)
    assert ("mnist-classifier" in names) == ("classifier" in expected_plugins)
    assert ("acme-gan" in names) == ("acme" in expected_plugins)
    owners = {registry.specs[n].plugin for n in names}
    assert owners & trio == expected_plugins
    if load is not None:  # an allow list admits nothing else, built-in or not
        assert owners <= expected_plugins
        assert set(registry.plugins.plugins) <= expected_plugins
    # A plugin that is not wanted is not even imported.
    assert (module in sys.modules) == ("acme" in expected_plugins)


def test_disabled_broken_plugin_is_never_imported(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    module = site.add_plugin("busted", 'raise RuntimeError("must not be imported")\n')
    monkeypatch.setenv("ZOO_DISABLE_PLUGINS", "busted")
    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    assert "dcgan-mnist" in zoo.list_models()
    assert module not in sys.modules


def test_plugin_name_taken_by_builtin_is_rejected(site: Site) -> None:
    module = site.add_plugin("dcgan", models_source("impostor-gan"), dist="impostor-dist")
    with pytest.warns(PluginWarning) as record:
        names = zoo.list_models()
    message = next(str(w.message) for w in record if "impostor-dist" in str(w.message))
    assert "another plugin named 'dcgan'" in message
    assert "impostor-gan" not in names
    assert module not in sys.modules
    assert zoo.core.registry.get_spec("dcgan-mnist").plugin == "dcgan"
    info = zoo.core.registry.get_registry().plugins.plugins["dcgan"]
    assert info.distribution == "generative-zoo (built-in)" and info.error is None


# --- collisions ------------------------------------------------------------


def test_two_plugins_registering_one_name_collide(site: Site) -> None:
    site.add_plugin("alpha", models_source("shared-gan", "alpha-only"))
    site.add_plugin("beta", models_source("beta-only", "shared-gan"))

    with pytest.warns(PluginWarning, match="shared-gan") as record:
        names = zoo.list_models()
    message = next(str(w.message) for w in record if "shared-gan" in str(w.message))
    assert "'alpha'" in message and "'beta'" in message
    assert "ZOO_DISABLE_PLUGINS" in message

    with pytest.raises(zoo.ModelNameCollision) as excinfo:
        zoo.core.registry.get_spec("shared-gan")
    assert "'alpha'" in str(excinfo.value)
    assert "'beta'" in str(excinfo.value)
    assert isinstance(excinfo.value, zoo.ZooError)

    # Everything else still works.
    assert {"alpha-only", "beta-only", "dcgan-mnist", "mnist-classifier"} <= set(names)
    assert zoo.core.registry.get_spec("alpha-only").plugin == "alpha"
    assert zoo.core.registry.get_spec("beta-only").plugin == "beta"
    assert zoo.core.registry.get_spec("dcgan-mnist").plugin == "dcgan"


def test_collision_resolved_by_disabling_one_plugin(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.add_plugin("alpha", models_source("shared-gan"))
    site.add_plugin("beta", models_source("shared-gan"))
    monkeypatch.setenv("ZOO_DISABLE_PLUGINS", "beta")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        assert zoo.core.registry.get_spec("shared-gan").plugin == "alpha"


def test_collision_with_builtin_names_both(site: Site) -> None:
    site.add_plugin("copycat", models_source("dcgan-mnist"))
    with pytest.warns(PluginWarning, match="dcgan-mnist"):
        zoo.list_models()
    with pytest.raises(zoo.ModelNameCollision, match="'dcgan'") as excinfo:
        zoo.core.registry.get_spec("dcgan-mnist")
    assert "'copycat'" in str(excinfo.value)
    assert zoo.core.registry.get_spec("mnist-classifier").plugin == "classifier"


def test_collision_is_an_error_in_strict_mode(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    site.add_plugin("alpha", models_source("shared-gan"))
    site.add_plugin("beta", models_source("shared-gan"))
    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    with pytest.raises(zoo.PluginError, match="shared-gan"):
        zoo.list_models()


# --- unknown names and wildcards -------------------------------------------


def test_unknown_name_suggests_close_match(site: Site) -> None:
    with pytest.raises(zoo.UnknownModelError) as excinfo:
        zoo.core.registry.get_spec("dcgan-mnsit")
    message = str(excinfo.value)
    assert "'dcgan-mnsit'" in message
    assert "Did you mean" in message and "'dcgan-mnist'" in message
    assert isinstance(excinfo.value, KeyError)  # dict-like lookups still catch it
    assert isinstance(excinfo.value, zoo.ZooError)


def test_unknown_name_without_close_match(site: Site) -> None:
    with pytest.raises(zoo.UnknownModelError) as excinfo:
        zoo.core.registry.get_spec("zzzzzzzz")
    assert "Did you mean" not in str(excinfo.value)
    assert "zoo list" in str(excinfo.value)


def test_list_models_wildcards(site: Site) -> None:
    site.add_plugin("acme", models_source("acme-gan", "dcgan-acme"))
    everything = zoo.list_models()
    assert everything == sorted(everything)

    dcgans = zoo.list_models("dcgan-*")
    assert {"dcgan-mnist", "dcgan-acme"} <= set(dcgans)
    assert all(name.startswith("dcgan-") for name in dcgans)
    assert dcgans == [n for n in everything if n.startswith("dcgan-")]

    assert "mnist-classifier" in zoo.list_models("*classifier")
    assert zoo.list_models("acme-?an") == ["acme-gan"]
    assert zoo.list_models("no-such-*") == []
    assert zoo.list_models(None) == everything


# --- catalog entries and third-party plugins --------------------------------

CATALOG = """
[models.dcgan-mnist]
plugin = "dcgan"
family = "gan"
dataset = "mnist"
licence = "MIT"

[models.dcgan-mnist.hub]
repo = "zoo-org/dcgan-mnist"
revision = "0123abc"
files = {{ "model.safetensors" = "{sha}" }}
""".format(sha="b" * 64)


def test_disabling_the_catalog_owner_hands_the_name_over(
    site: Site, monkeypatch: pytest.MonkeyPatch, builtin_catalog: Path
) -> None:
    builtin_catalog.write_text(CATALOG, encoding="utf-8")
    site.add_plugin("fork", models_source("dcgan-mnist"))

    with pytest.warns(PluginWarning, match="ZOO_DISABLE_PLUGINS"):
        with pytest.raises(zoo.ModelNameCollision):
            zoo.core.registry.get_spec("dcgan-mnist")

    # Following the advice either way works; the pinned checkpoint stays with its plugin.
    monkeypatch.setenv("ZOO_DISABLE_PLUGINS", "fork")
    zoo.core.registry.reset()
    spec = zoo.core.registry.get_spec("dcgan-mnist")
    assert spec.plugin == "dcgan"
    assert spec.pins is not None and spec.pins.weights_sha256 == "b" * 64

    monkeypatch.setenv("ZOO_DISABLE_PLUGINS", "dcgan")
    zoo.core.registry.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        spec = zoo.core.registry.get_spec("dcgan-mnist")
    assert spec.plugin == "fork"
    assert spec.pins is None
    assert "mnist-classifier" in zoo.list_models()
