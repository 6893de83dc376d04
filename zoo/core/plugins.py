"""Plugin discovery: built-ins, then the ``zoo`` entry-point group.

Environment:
- ``ZOO_LOAD_PLUGINS=a,b``: load only these plugins.
- ``ZOO_DISABLE_PLUGINS=a,b``: skip these plugins.
- ``ZOO_STRICT_PLUGINS=1``: a broken plugin, or a name in those lists that no
  installed plugin has, is an error instead of a warning.

A plugin runs contained: what it prints goes to stderr (the zoo's stdout stays
clean for ``--json``), and any exception it raises, ``SystemExit`` included,
marks it broken instead of ending the program. ``KeyboardInterrupt`` still
interrupts.
"""
from __future__ import annotations

import contextlib
import functools
import importlib
import os
import sys
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable, Iterator

import pluggy

from zoo.core import entry_points, hookspecs
from zoo.errors import PluginError

ENTRY_POINT_GROUP = "zoo"
BUILTIN_PACKAGE = "zoo_plugins"
KNOWN_HOOKS = ("register_models", "register_datasets")


class PluginWarning(UserWarning):
    """A plugin was skipped because it is broken, or a plugin list names no installed plugin."""


class PluginExit(Exception):
    """A plugin called ``sys.exit()``; contained like any other error of a plugin."""


@dataclass
class PluginInfo:
    """One plugin as discovered: where it came from and what it registered."""

    name: str
    distribution: str
    version: str
    module: str
    models: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    error: str | None = None

    def describe_error(self) -> str:
        return (
            f"plugin {self.name!r} (distribution {self.distribution} {self.version}, module {self.module}) "
            f"failed: {self.error}. Disable it with ZOO_DISABLE_PLUGINS={self.name} "
            f"or uninstall {self.distribution}."
        )


def _env_list(var: str) -> set[str] | None:
    raw = os.environ.get(var)
    if raw is None:
        return None
    return {item.strip() for item in raw.split(",") if item.strip()}


def strict_mode() -> bool:
    return os.environ.get("ZOO_STRICT_PLUGINS", "").strip().lower() in {"1", "true", "yes", "on"}


@contextlib.contextmanager
def _contained() -> Iterator[None]:
    """Run plugin code with its prints sent to stderr and its ``sys.exit()`` (or another ``BaseException``
    of its own) turned into ``PluginExit``."""
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    except SystemExit as exc:
        raise PluginExit(f"called sys.exit({exc.code!r})") from None
    except (Exception, KeyboardInterrupt, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a BaseException of a plugin's own is contained too
        raise PluginExit(f"raised {type(exc).__name__} (a BaseException): {exc}") from None


def _run_contained(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _contained():
            return function(*args, **kwargs)

    return run


@contextlib.contextmanager
def warnings_as_lines(prog: str = "zoo") -> Iterator[None]:
    """Inside the block, print each ``PluginWarning`` as one line ``zoo: warning: ...`` on stderr."""
    with warnings.catch_warnings():
        show = warnings.showwarning

        def one_line(message: Warning | str, category: type[Warning], *where: Any, **more: Any) -> None:
            if issubclass(category, PluginWarning):
                print(f"{prog}: warning: {message}", file=sys.stderr)
            else:
                show(message, category, *where, **more)

        warnings.showwarning = one_line
        yield


def _wanted(name: str) -> bool:
    only, disabled = _env_list("ZOO_LOAD_PLUGINS"), _env_list("ZOO_DISABLE_PLUGINS")
    if only is not None and name not in only:
        return False
    return not (disabled and name in disabled)


@dataclass
class _Candidate:
    info: PluginInfo
    load: Any  # callable returning the plugin module/object


def _builtin_candidates() -> list[_Candidate]:
    package = importlib.import_module(BUILTIN_PACKAGE)
    version = entry_points.version("generative-zoo") or "source"
    return [
        _Candidate(
            PluginInfo(name, "generative-zoo (built-in)", version, f"{BUILTIN_PACKAGE}.{name}"),
            lambda module=f"{BUILTIN_PACKAGE}.{name}": importlib.import_module(module),
        )
        for name in package.BUILTIN_PLUGINS
    ]


def _entry_point_candidates() -> list[_Candidate]:
    return [
        _Candidate(PluginInfo(ep.name, ep.distribution, ep.version, ep.value), ep.load)
        for ep in entry_points.entry_points(ENTRY_POINT_GROUP)
    ]


class PluginSet:
    """A pluggy manager loaded with every wanted plugin, broken ones reported."""

    def __init__(self) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.manager.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self.objects: dict[str, ModuleType | Any] = {}
        candidates = _builtin_candidates() + _entry_point_candidates()
        self._check_lists(sorted({candidate.info.name for candidate in candidates}))
        for candidate in candidates:
            if _wanted(candidate.info.name):
                self._add(candidate)

    def _check_lists(self, installed: list[str]) -> None:
        """Report names in ZOO_LOAD_PLUGINS / ZOO_DISABLE_PLUGINS that no installed plugin has."""
        for var in ("ZOO_LOAD_PLUGINS", "ZOO_DISABLE_PLUGINS"):
            unknown = sorted((_env_list(var) or set()) - set(installed))
            if unknown:
                self._report(
                    f"{var}: no installed plugin is called {' or '.join(map(repr, unknown))}; "
                    f"the installed plugins are {', '.join(installed)}"
                )

    def _add(self, candidate: _Candidate) -> None:
        info = candidate.info
        if info.name in self.plugins:
            self.fail(info, f"another plugin named {info.name!r} is already loaded from {self.plugins[info.name].distribution}")
            return
        self.plugins[info.name] = info
        try:
            with _contained():
                plugin = candidate.load()
            self.manager.register(plugin, name=info.name)
        except Exception as exc:  # noqa: BLE001 - any plugin bug must be contained
            self.fail(info, str(exc) if isinstance(exc, PluginExit) else f"{type(exc).__name__}: {exc}")
            return
        unknown = [hc.name for hc in self.manager.get_hookcallers(plugin) or [] if not hc.has_spec()]
        if unknown:
            self.manager.unregister(plugin)
            self.fail(info, f"implements unknown hook(s) {', '.join(unknown)}; known hooks: {', '.join(KNOWN_HOOKS)}")
            return
        self.objects[info.name] = plugin

    def fail(self, info: PluginInfo, error: str) -> None:
        """Record a broken plugin; raise in strict mode, warn otherwise."""
        info.error = error
        self.plugins.setdefault(info.name, info)
        self._report(info.describe_error())

    @staticmethod
    def _report(message: str) -> None:
        """Raise in strict mode, warn otherwise."""
        if strict_mode():
            raise PluginError(message)
        warnings.warn(message, PluginWarning, stacklevel=4)

    def implementations(self, hook_name: str) -> list[tuple[PluginInfo, Any]]:
        """Each working plugin's implementation of a hook, in load order, to be run contained."""
        impls = getattr(self.manager.hook, hook_name).get_hookimpls()
        return [(self.plugins[impl.plugin_name], _run_contained(impl.function)) for impl in impls]
