"""``--sweep``: InfoGAN-style code sweeps, each row one noise vector with one code changed along it.

A generator that takes ``codes=`` (a categorical code of ``categories``
values and ``continuous`` codes, uniform on [-1, 1]) declares those two
counts. Image ``r`` of a seeded ``sample`` call draws its noise from its own
stream of the seed, and codes given in full draw nothing, so calling
``sample(rows, seed=s, codes=...)`` once per column gives every column the
same noise in row ``r``: along a row only the swept code changes.
"""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, Iterator, Protocol, runtime_checkable

from zoo.errors import ZooError

if TYPE_CHECKING:
    import torch

SPAN = (-1.0, 1.0)  # the prior's range of a continuous code


@runtime_checkable
class Coded(Protocol):
    """What a generator that takes ``codes=`` declares."""

    categories: int
    continuous: int


def parse_sweep(text: str) -> tuple[str, int]:
    """``categorical``, or ``continuous`` / ``continuous:K`` (code K, default 0)."""
    kind, colon, index = text.partition(":")
    if kind == "categorical" and not colon:
        return kind, 0
    if kind == "continuous":
        try:
            return kind, int(index) if colon else 0
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"expected categorical, continuous or continuous:K, got {text!r}")


def check_sweep(model: Any, name: str, sweep: tuple[str, int]) -> Coded:
    """``model`` if it has the code ``sweep`` names, else a one-line error."""
    if not isinstance(model, Coded):
        raise ZooError(f"{name!r} takes no codes, so there is nothing to --sweep (InfoGAN-style models have them)")
    kind, index = sweep
    if kind == "continuous" and not 0 <= index < model.continuous:
        raise ZooError(f"{name!r} has {model.continuous} continuous codes (0-{model.continuous - 1}), "
                       f"not code {index}")
    return model


def steps(model: Coded, sweep: tuple[str, int], columns: int | None) -> int:
    """Images per row: every category, or ``columns`` (default 10) values of a continuous code."""
    return model.categories if sweep[0] == "categorical" else columns or 10


def sweep_columns(model: Coded, sweep: tuple[str, int], rows: int, columns: int, seed: int) -> Iterator[torch.Tensor]:
    """The grid column by column: ``rows`` images each, row ``r`` always with the same noise."""
    import torch

    kind, index = sweep
    categories = torch.arange(rows) % model.categories
    for column in range(columns):
        continuous = torch.zeros(rows, model.continuous)
        categorical = categories
        if kind == "categorical":
            categorical = torch.full((rows,), column)
        else:
            continuous[:, index] = torch.linspace(*SPAN, columns)[column]
        yield model.sample(rows, seed=seed, codes={"categorical": categorical, "continuous": continuous})


def as_rows(columns: list[torch.Tensor]) -> torch.Tensor:
    """Images laid out column by column -> the same images row after row."""
    import torch

    return torch.stack(columns, 1).flatten(0, 1)
