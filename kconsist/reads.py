"""What a computation read from the tree: the dependencies a cached result is keyed by.

:class:`~kconsist.tree.KernelTree` reports every read here (a file's text, whether a
file exists, a directory listing); :func:`recording` collects them while an arch is
audited. A value kept in memory across arches (a tree-wide scan, a makefile's entries)
is computed under :func:`capture` and its reads are :func:`replay`\\ ed each time it is
used again, so every arch's record holds what its result rests on, whoever read it
first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

# ("file", rel) | ("list", prefix, *suffixes) | ("names", prefix, start): a file's
# content (or its absence); the files under a prefix with one of those suffixes (any,
# without), or whose name starts with ``start``, and each one's content.
Read = tuple[str, ...]

_ACTIVE: list[set[Read]] = []


def note(*read: str) -> None:
    for log in _ACTIVE:
        log.add(read)


@contextmanager
def recording() -> Iterator[set[Read]]:
    """Collect every read made inside the ``with`` block (nested blocks each get all)."""
    log: set[Read] = set()
    _ACTIVE.append(log)
    try:
        yield log
    finally:
        # By identity: two logs that read the same (or nothing) are equal sets.
        del _ACTIVE[next(i for i, x in enumerate(_ACTIVE) if x is log)]


@contextmanager
def instead(*read: str) -> Iterator[None]:
    """Note the block's reads as the one ``read``: a narrower account of what it
    depends on (the Kconfig files of a listing of the whole tree)."""
    saved = _ACTIVE[:]
    _ACTIVE.clear()
    try:
        yield
    finally:
        _ACTIVE[:] = saved
        note(*read)


def capture(compute: Callable[[], T]) -> tuple[T, frozenset[Read]]:
    """``compute()`` and what it read (also noted to the enclosing records)."""
    with recording() as log:
        value = compute()
    return value, frozenset(log)


def replay(log: frozenset[Read]) -> None:
    """Note again what a value kept in memory was computed from."""
    for log_set in _ACTIVE:
        log_set.update(log)
