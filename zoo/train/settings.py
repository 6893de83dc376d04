"""Declared hyperparameters: a recipe's ``defaults`` give each one's type, its ``bounds`` the range.

``check_hparams`` is the one gate every value passes, from ``--set``, from code
and from a checkpoint on resume: an unknown key (with close matches), a value
of the wrong type or out of its range is a :class:`SettingError` naming it.
Types follow the default: a bool takes a bool, an int an int, a float any
number, a str a str among its choices, a list as many items of its items' types.
"""
from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass
from typing import Any, Collection, Mapping

from zoo.errors import ZooError


class SettingError(ZooError):
    """A hyperparameter that the recipe does not have, of the wrong type or out of range."""


@dataclass(frozen=True)
class Bound:
    """The values a hyperparameter may take: ``low``/``high`` (inclusive unless ``open_low``), or ``choices``."""

    low: float | None = None
    high: float | None = None
    open_low: bool = False
    choices: Collection[str] | None = None

    def violation(self, value: Any) -> str | None:
        """Why ``value`` (or, for a list, each of its items) is out of range; None when it is in."""
        if isinstance(value, list):
            return next((why for why in map(self.violation, value) if why), None)
        if self.choices is not None:
            return None if value in self.choices else f"one of {', '.join(map(str, self.choices))}"
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return None
        if not math.isfinite(value):
            return "a finite number"
        if self.low is not None and (value <= self.low if self.open_low else value < self.low):
            return f"{'>' if self.open_low else '>='} {self.low:g}"
        if self.high is not None and value > self.high:
            return f"<= {self.high:g}"
        return None


COUNT = Bound(low=1)  # epochs, batch sizes, steps
RATE = Bound(low=0, open_low=True)  # learning rates, weights that must stay positive
NON_NEGATIVE = Bound(low=0)
FRACTION = Bound(low=0, high=1)  # decays, betas, probabilities


def _type_error(key: str, default: Any, value: Any) -> str | None:
    """Why ``value`` is not of ``default``'s type; None when it is."""
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "true or false"
    if isinstance(default, numbers.Integral):
        return None if isinstance(value, numbers.Integral) and not isinstance(value, bool) else "a whole number"
    if isinstance(default, numbers.Real):
        return None if isinstance(value, numbers.Real) and not isinstance(value, bool) else "a number"
    if isinstance(default, str):
        return None if isinstance(value, str) else "a string"
    if isinstance(default, list):
        if not isinstance(value, list) or len(value) != len(default):
            return f"a list of {len(default)} items, like {default}"
        return next((why for item, like in zip(value, default) if (why := _type_error(key, like, item))), None)
    return None


def check_hparams(recipe: type, values: Mapping[str, Any]) -> dict[str, Any]:
    """The recipe's defaults overridden by ``values``, every value checked against its declaration."""
    defaults: Mapping[str, Any] = recipe.defaults
    bounds: Mapping[str, Bound] = getattr(recipe, "bounds", {})
    owner = recipe.__name__
    for key, value in values.items():
        if key not in defaults:
            close = difflib.get_close_matches(str(key), list(defaults), n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise SettingError(
                f"{owner} has no hyperparameter {key!r}{hint} (it has: {', '.join(sorted(defaults))})"
            )
        why = _type_error(key, defaults[key], value)
        if why is None and key in bounds:
            why = bounds[key].violation(value)
        if why is not None:
            raise SettingError(f"hyperparameter {key} must be {why}, got {value!r}")
    merged = {**defaults, **values}
    return {key: float(value) if _is_float(defaults[key], value) else value for key, value in merged.items()}


def _is_float(default: Any, value: Any) -> bool:
    return isinstance(default, float) and isinstance(value, numbers.Real) and not isinstance(value, bool)


def undeclared(recipe: type) -> list[str]:
    """Hyperparameters of ``recipe`` whose range is not declared (numbers and strings need one)."""
    bounds: Mapping[str, Bound] = getattr(recipe, "bounds", {})
    return [
        key for key, default in recipe.defaults.items()
        if key not in bounds and not isinstance(default, bool)
    ]
