"""Progress bars on stderr, shown only when stderr is a terminal."""
from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any, Iterable, Iterator, TypeVar

if TYPE_CHECKING:
    from tqdm import tqdm

T = TypeVar("T")


def shown() -> bool:
    """Whether bars are drawn: stderr is a terminal (not a file, a pipe or a log)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def bar(total: int, desc: str, unit: str = "img") -> tqdm:
    """A bar of ``total`` ``unit``s; quiet when stderr is not a terminal."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not shown(), file=sys.stderr)


def counted(items: Iterable[T], total: int, desc: str, unit: str = "img") -> Iterator[T]:
    """``items`` as they come, the bar advancing by one per item."""
    with bar(total, desc, unit) as progress:
        for item in items:
            yield item
            progress.update(1)


def counted_batches(batches: Iterable[Any], total: int, desc: str) -> Iterator[Any]:
    """Batches of images as they come, the bar advancing by the images of each."""
    with bar(total, desc) as progress:
        for batch in batches:
            yield batch
            progress.update(len(batch))


@contextlib.contextmanager
def watched_sampling(model: Any, desc: str) -> Iterator[None]:
    """Show each ``model.sample`` call made inside as a bar, batch by batch.

    For commands that hand the model to code that samples it (``zoo
    evaluate``): every sample goes through ``sample_batches``, which is
    wrapped on this instance only, and restored on leaving.
    """
    original = model.sample_batches

    def sample_batches(n: int, **kwargs: Any) -> Iterator[Any]:
        return counted_batches(original(n, **kwargs), n, desc)

    model.sample_batches = sample_batches
    try:
        yield
    finally:
        del model.sample_batches
