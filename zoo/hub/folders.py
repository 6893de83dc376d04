"""Checks on a model folder that no catalog pins: its config and weights are untrusted input.

Before anything is allocated, each setting in ``config.json`` must be of the
kind of the spec's default (no strings for sizes, no negative sizes), and the
architecture the settings build on the meta device (which holds no memory)
must have exactly the names, shapes and dtypes listed in the header of
``model.safetensors``. Once read, weights must be finite.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open

from zoo.errors import CatalogError, HubError
from zoo.core.spec import ModelSpec

SAFETENSORS_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}
DTYPE_NAMES = {code: str(dtype).removeprefix("torch.") for dtype, code in SAFETENSORS_DTYPES.items()}

MAX_SETTING = 2**31 - 1  # the largest whole number a setting may hold

Layout = dict[str, tuple[tuple[int, ...], str]]  # tensor name -> shape, safetensors dtype code


def check_folder(spec: ModelSpec, config: Any, weights: Path) -> None:
    """Refuse settings of ``config`` (the folder's ``config`` field) that do not fit ``spec`` or ``weights``."""
    where = weights.parent / "config.json"
    if not isinstance(config, dict):
        raise CatalogError(f"{where}: field 'config' must map settings to values, got {type(config).__name__}")
    for key, value in config.items():
        if key in spec.config:
            _check_setting(f"{where}: setting {key!r}", value, spec.config[key])
    expected = _meta_tensors(spec, {**spec.config, **config}, where)
    _compare(expected, _header(weights), weights, spec.name)


def check_finite(state: dict[str, torch.Tensor], path: Path) -> None:
    """Refuse weights holding NaN or Inf: they cannot give images in [0, 1]."""
    for key, tensor in state.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise CatalogError(f"{path}: {key} holds NaN or Inf values; these weights are broken, train or export them again")


def _check_setting(what: str, value: Any, default: Any) -> None:
    """``value`` must be of the kind of ``default``; whole numbers must not be negative."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and value < 0:
            raise CatalogError(f"{what} is {value}; sizes and counts cannot be negative")
        if ok and value > MAX_SETTING:
            raise CatalogError(f"{what} is {value}; sizes and counts are at most {MAX_SETTING}")
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, list):
        ok = isinstance(value, list)
        if ok and default:
            for index, item in enumerate(value):
                _check_setting(f"{what}[{index}]", item, default[0])
    else:
        return
    if not ok:
        raise CatalogError(f"{what} must be of type {type(default).__name__} like the default {default!r}, got {value!r}")


def _meta_tensors(spec: ModelSpec, config: dict[str, Any], where: Path) -> Layout:
    """Names, shapes and dtypes of the state the settings build, without allocating it."""
    try:
        model = meta_model(spec, config)
    except (TypeError, ValueError, RuntimeError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CatalogError(f"{where}: these settings do not build a {spec.name}: {reason}") from None
    return {key: (tuple(t.shape), SAFETENSORS_DTYPES.get(t.dtype, str(t.dtype))) for key, t in model.state_dict().items()}


def meta_model(spec: ModelSpec, config: dict[str, Any] | None = None) -> torch.nn.Module:
    """``spec``'s architecture built on the meta device (no memory, no weights) from ``config``
    (default: the spec's own)."""
    build = spec.builder()  # imported outside the meta device, so that module-level tensors keep their data
    with torch.device("meta"):
        return build(**(dict(spec.config) if config is None else config))


def _header(path: Path) -> Layout:
    """Names, shapes and dtypes in a safetensors header; the tensors are not read."""
    try:
        with safe_open(str(path), framework="pt") as handle:
            slices = {key: handle.get_slice(key) for key in handle.keys()}
            return {key: (tuple(s.get_shape()), s.get_dtype()) for key, s in slices.items()}
    except SafetensorError as exc:
        raise CatalogError(f"{path} is not a valid safetensors file: {exc}") from None
    except OSError as exc:
        raise HubError(f"cannot read {path}: {exc.strerror or exc}") from None


def _compare(expected: Layout, found: Layout, path: Path, name: str) -> None:
    misfit = f"weights in {path} do not fit the architecture of {name!r} that config.json describes"
    missing, unexpected = sorted(expected.keys() - found.keys()), sorted(found.keys() - expected.keys())
    if missing or unexpected:
        raise CatalogError(f"{misfit}: missing {_few(missing)}, unexpected {_few(unexpected)}")
    for key, (shape, dtype) in expected.items():
        if found[key][0] != shape:
            raise CatalogError(
                f"{misfit}: {key} has shape {list(found[key][0])} in the file and {list(shape)} in the "
                "architecture (check the config)"
            )
        if found[key][1] != dtype:
            stored, wanted = (DTYPE_NAMES.get(code, code) for code in (found[key][1], dtype))
            raise CatalogError(f"{misfit}: {key} is stored as {stored}, not {wanted}; export the weights in {wanted}")


def _few(keys: list[str]) -> str:
    return (", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")) if keys else "none"
