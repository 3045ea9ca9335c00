"""The one format registry: (kind of result, format name) -> renderer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

JSON_VERSION = 1  # of every JSON form (audit, series): keys are only ever added

R = TypeVar("R")
_RENDERERS: dict[tuple[type, str], Callable[[Any], str]] = {}


def register(kind: type[R], name: str) -> Callable[[Callable[[R], str]], Callable[[R], str]]:
    """Decorator: the renderer of format ``name`` for results of type ``kind``."""

    def add(fn: Callable[[R], str]) -> Callable[[R], str]:
        _RENDERERS[kind, name] = fn
        return fn

    return add


def names(kind: type) -> list[str]:
    """The formats results of type ``kind`` can be rendered in, sorted."""
    return sorted(name for k, name in _RENDERERS if k is kind)


def render(result: object, name: str) -> str:
    return _RENDERERS[type(result), name](result)
