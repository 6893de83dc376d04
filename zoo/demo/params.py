"""Checking the parameters of a demo request: each reader returns a clean value or raises ``BadRequest``."""
from __future__ import annotations

import math
from typing import Any, Mapping

MAX_SAMPLES = 64
MAX_STEPS = 16
MAX_SEED = 2**31 - 1
PAD_PIXELS = 28 * 28


class BadRequest(ValueError):
    """A request parameter that is missing or wrong; answered with status 400 and the message."""


def shown(value: Any) -> str:
    """``repr(value)``, cut short: an error echoes what was sent, not all of it."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def integer(body: Mapping[str, Any], key: str, low: int, high: int, default: int | None = None) -> int:
    """``body[key]`` as an int in ``[low, high]`` (``default`` when absent, if there is one)."""
    value = body.get(key, default)
    if value is None:
        raise BadRequest(f"{key} is required: a whole number from {low} to {high}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{key} must be a whole number from {low} to {high}, got {shown(value)}")
    if not low <= value <= high:
        raise BadRequest(f"{key} must be from {low} to {high}, got {shown(value)}")
    return value


def seed(body: Mapping[str, Any], key: str = "seed") -> int:
    """A seed: a whole number from 0 to 2**31 - 1 (default 0)."""
    return integer(body, key, 0, MAX_SEED, default=0)


def label(body: Mapping[str, Any], classes: int) -> int | None:
    """A class index for a conditional model (None: drawn from the seed); refused for other models."""
    if body.get("label") is None:
        return None
    if not classes:
        raise BadRequest("label is only for conditional models; this model takes none")
    return integer(body, "label", 0, classes - 1)


def name(body: Mapping[str, Any], known: Mapping[str, Any], what: str = "model") -> str:
    """A model name that is one of ``known`` (never a path)."""
    value = body.get("model")
    if not isinstance(value, str) or value not in known:
        raise BadRequest(f"{what} must be the name of one of the demo's models, got {shown(value)}")
    return value


def choice(body: Mapping[str, Any], key: str, options: tuple[str, ...]) -> str:
    """``body[key]``, one of ``options``."""
    value = body.get(key)
    if value not in options:
        raise BadRequest(f"{key} must be one of {', '.join(options)}, got {shown(value)}")
    return value


def token(body: Mapping[str, Any], key: str) -> str | None:
    """An opaque id the server handed out earlier (a short string), or None when absent."""
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= 64:
        raise BadRequest(f"{key} must be the id the server gave, got {shown(value)}")
    return value


def pixels(body: Mapping[str, Any]) -> list[float]:
    """The pad's 28x28 grey pixels, row by row, each a number in ``[0, 1]``."""
    value = body.get("pixels")
    if not isinstance(value, list) or len(value) != PAD_PIXELS:
        raise BadRequest(f"pixels must be a list of {PAD_PIXELS} numbers in [0, 1] (28x28, row by row)")
    for pixel in value:
        if isinstance(pixel, bool) or not isinstance(pixel, (int, float)) or not math.isfinite(pixel) or not 0 <= pixel <= 1:
            raise BadRequest(f"pixels must be numbers in [0, 1], got {shown(pixel)}")
    return [float(pixel) for pixel in value]
