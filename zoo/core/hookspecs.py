"""The hooks a zoo plugin can implement.

A plugin is a module (or an object) with functions decorated by
``zoo.hookimpl`` whose names match the specifications below. Hooks must be
cheap: no torch import and no network at registration time.
"""
from __future__ import annotations

from typing import Callable

import pluggy

PROJECT_NAME = "zoo"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_models(register: Callable[..., None]) -> None:
    """Register model specs: call ``register(ModelSpec(...))`` once per model."""


@hookspec
def register_datasets(register: Callable[..., None]) -> None:
    """Register datasets: call ``register(DatasetSpec(...))`` once per dataset."""
