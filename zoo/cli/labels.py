"""``--labels``: the classes a conditional model is asked for, as ``0-9`` or ``3,3,7`` (or both, ``0-4,7``)."""
from __future__ import annotations

import argparse
import itertools
from typing import Any

from zoo.errors import ZooError


def parse_labels(text: str) -> list[int]:
    """``"0-2,7"`` -> ``[0, 1, 2, 7]``; an argument type, so a malformed list is a usage error."""
    labels: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            low, high = int(first), int(last if dash else first)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected class numbers such as 0-9 or 3,3,7, got {text!r}") from None
        if high < low:
            raise argparse.ArgumentTypeError(f"the range {part.strip()!r} runs backwards; write {high}-{low}")
        labels += range(low, high + 1)
    return labels


def labels_for(model: Any, name: str, labels: list[int], n: int) -> list[int]:
    """``labels`` repeated to ``n`` images, once checked against what ``model`` is conditioned on."""
    from zoo.models.base import ConditionalModel

    if not isinstance(model, ConditionalModel):
        raise ZooError(f"{name!r} is not conditional, so it takes no --labels (`zoo info {name}` shows "
                       f"\"conditional\"); leave --labels out")
    wrong = sorted({label for label in labels if not 0 <= label < model.num_classes})
    if wrong:
        raise ZooError(f"{name!r} has classes 0-{model.num_classes - 1}; --labels asked for "
                       f"{', '.join(map(str, wrong))}")
    return list(itertools.islice(itertools.cycle(labels), n))
