"""Plugins that exit, print or are misnamed are contained and reported in one line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings

import pytest

import zoo
from conftest import REPO_ROOT
from test_plugins import Site, models_source, site  # noqa: F401 - site is a fixture
from zoo.cli import main
from zoo.core.plugins import PluginWarning



EXITS = "import sys\nsys.exit(3)\n"
EXITS_WHILE_REGISTERING = models_source("quitter-gan").replace("def register_models(register):",
                                                               "def register_models(register):\n    raise SystemExit(4)")


@pytest.mark.parametrize(("source", "error"), [
    (EXITS, "failed: called sys.exit(3)"),
    (EXITS_WHILE_REGISTERING, "failed: register_models raised PluginExit: called sys.exit(4)"),
])
def test_a_plugin_calling_sys_exit_is_reported_and_the_others_still_work(site: Site, source, error) -> None:
    site.add_plugin("quitter", source)
    site.add_plugin("fine", models_source("fine-gan"))
    with pytest.warns(PluginWarning) as record:
        names = zoo.list_models()
    assert {"dcgan-mnist", "fine-gan"} <= set(names) and "quitter-gan" not in names
    [message] = [str(w.message) for w in record if "quitter" in str(w.message)]
    assert error in message and "ZOO_DISABLE_PLUGINS=quitter" in message


def test_a_plugin_calling_sys_exit_is_fatal_in_strict_mode(site: Site, monkeypatch) -> None:
    site.add_plugin("quitter", EXITS)
    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    with pytest.raises(zoo.PluginError, match=r"called sys.exit\(3\)"):
        zoo.list_models()


def test_keyboard_interrupt_in_a_plugin_still_interrupts(site: Site) -> None:
    site.add_plugin("sleepy", "raise KeyboardInterrupt\n")
    with pytest.raises(KeyboardInterrupt):
        zoo.list_models()


def test_what_a_plugin_prints_goes_to_stderr_and_json_output_stays_clean(site: Site, capsys) -> None:
    noisy = "print('hello from noisy at import')\n" + models_source("noisy-gan").replace(
        "def register_models(register):", "def register_models(register):\n    print('registering noisy')")
    module = site.add_plugin("noisy", noisy)
    assert main(["plugins", "--json"]) == 0
    captured = capsys.readouterr()
    assert "noisy" in {plugin["name"] for plugin in json.loads(captured.out)}
    assert "hello from noisy at import" in captured.err and "registering noisy" in captured.err
    zoo.core.registry.reset()
    sys.modules.pop(module)
    assert main(["info", "mnist-classifier"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["family"] == "classifier"
    assert "hello from noisy at import" in captured.err


@pytest.mark.parametrize("var", ["ZOO_LOAD_PLUGINS", "ZOO_DISABLE_PLUGINS"])
def test_an_unknown_name_in_a_plugin_list_warns_naming_the_installed_plugins(site: Site, monkeypatch, var) -> None:
    site.add_plugin("acme", models_source("acme-gan"))
    monkeypatch.setenv(var, "nosuch, dcgan")
    with pytest.warns(PluginWarning) as record:
        zoo.list_models()
    [message] = [str(w.message) for w in record]
    assert message.startswith(f"{var}: no installed plugin is called 'nosuch'; the installed plugins are ")
    assert all(name in message for name in ("acme", "classifier", "dcgan"))

    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    zoo.core.registry.reset()
    with pytest.raises(zoo.PluginError, match=f"{var}: no installed plugin is called 'nosuch'"):
        zoo.list_models()


def test_known_names_in_plugin_lists_do_not_warn(site: Site, monkeypatch) -> None:
    monkeypatch.setenv("ZOO_LOAD_PLUGINS", "dcgan,classifier")
    monkeypatch.setenv("ZOO_DISABLE_PLUGINS", "classifier")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginWarning)
        assert zoo.list_models() == ["dcgan-fashion-mnist", "dcgan-mnist"]


def test_the_command_line_prints_a_broken_plugins_warning_as_one_line(site: Site) -> None:
    site.add_plugin("busted", 'raise RuntimeError("kaboom")\n', dist="busted-dist")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ZOO_")}
    env["PYTHONPATH"] = os.pathsep.join([str(site.root), str(REPO_ROOT)])
    proc = subprocess.run([sys.executable, "-m", "zoo.cli", "list", "dcgan-*"], env=env, capture_output=True,
                          text=True, timeout=60, cwd=site.root)
    assert proc.returncode == 0, proc.stderr
    assert "dcgan-mnist" in proc.stdout
    [line] = proc.stderr.splitlines()
    assert line.startswith("zoo: warning: plugin 'busted' (distribution busted-dist 1.0")
    assert "RuntimeError: kaboom" in line and "ZOO_DISABLE_PLUGINS=busted" in line
