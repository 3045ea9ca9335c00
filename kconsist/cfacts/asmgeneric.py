"""The asm-generic headers an arch's own headers lead to, and when each is read.

An arch header ``arch/<a>/include/.../X.h`` that does ``#include <asm-generic/Y.h>``
makes the definitions of ``include/asm-generic/Y.h`` the arch's: read under the guard
of that ``#include`` line AND the arch header's own condition
(:meth:`~kconsist.cfacts.includes.IncludeGraph.condition`). A header the arch does not
have but Kbuild wraps (:func:`~kconsist.cfacts.kbuild.asm_generic_wrappers`:
``generic-y``, ``mandatory-y``) is ``#include <asm-generic/X.h>`` and nothing else,
read whenever ``<asm/X.h>`` is, which is taken as always (like an arch header
generic code includes). An asm-generic header that includes another
(``<asm-generic/Z.h>``, or ``"Z.h"`` beside it) passes its condition on, under the
guard of that line. The condition of a header reached several ways is the OR of them;
a cycle adds nothing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

from kconsist.cfacts.includes import IncludeGraph
from kconsist.cond import FALSE, TRUE, Cond, and_, or_
from kconsist.tree import TreeError

GENERIC_DIR = "include/asm-generic"
_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*(?:<asm-generic/([^>]+)>|"([^"]+)")', re.M)


def providers(
    graph: IncludeGraph, headers: Iterable[str], wrapped: Iterable[str]
) -> dict[str, Cond]:
    """Each asm-generic header reached from the arch headers ``headers`` or from the
    Kbuild wrappers of ``wrapped`` (names ``X.h``), with the condition under which the
    arch's build reads it (before compiler macros and exact semantics); one never read
    (its only ``#include`` is inside a comment) is not reached."""
    tree = graph.tree
    incoming: dict[str, list[tuple[str | None, int]]] = {}  # via (None: a wrapper), line
    todo: list[str] = []

    def reach(target: str, via: str | None, line: int) -> None:
        if not tree.exists(target):
            return
        if target not in incoming:
            incoming[target] = []
            todo.append(target)
        incoming[target].append((via, line))

    for name in sorted(wrapped):
        reach(f"{GENERIC_DIR}/{name}", None, 0)
    for header in sorted(headers):
        for target, line in _generic_includes(graph, header):
            reach(target, header, line)
    while todo:
        current = todo.pop()
        for target, line in _generic_includes(graph, current):
            reach(target, current, line)
    reached = _Conditions(graph, incoming).all()
    return {rel: cond for rel, cond in reached.items() if cond != FALSE}  # never read


def _generic_includes(graph: IncludeGraph, rel: str) -> list[tuple[str, int]]:
    """(asm-generic header, line) of each ``#include`` of one in ``rel``; a quoted
    include counts only inside include/asm-generic."""
    try:
        text = graph.tree.read_text(rel)
    except TreeError:
        return []
    if "include" not in text:
        return []
    out, line, pos = [], 1, 0
    inside = rel.startswith(f"{GENERIC_DIR}/")
    for m in _INCLUDE.finditer(text):
        line, pos = line + text.count("\n", pos, m.start()), m.start()
        if m.group(1):
            out.append((posixpath.normpath(f"{GENERIC_DIR}/{m.group(1)}"), line))
        elif inside:
            local = posixpath.normpath(posixpath.join(posixpath.dirname(rel), m.group(2)))
            if local.startswith(f"{GENERIC_DIR}/"):
                out.append((local, line))
    return out


class _Conditions:
    def __init__(self, graph: IncludeGraph, incoming: dict[str, list[tuple[str | None, int]]]):
        self.graph = graph
        self.incoming = incoming
        self.memo: dict[str, Cond] = {}
        self.active: set[str] = set()

    def all(self) -> dict[str, Cond]:
        return {rel: self.of(rel) for rel in sorted(self.incoming)}

    def of(self, rel: str) -> Cond:
        if rel in self.memo:
            return self.memo[rel]
        if rel in self.active:
            return FALSE  # a cycle adds no way in
        self.active.add(rel)
        try:
            terms = [self._edge(via, line) for via, line in self.incoming[rel]]
        finally:
            self.active.discard(rel)
        self.memo[rel] = or_(*terms)
        return self.memo[rel]

    def _edge(self, via: str | None, line: int) -> Cond:
        if via is None:
            return TRUE  # a Kbuild wrapper: read whenever <asm/X.h> is
        try:
            guard = self.graph.include_guard(via, line)
        except TreeError:
            return FALSE
        if guard is None:
            return FALSE  # not an #include the preprocessor sees (inside a comment)
        own = self.of(via) if via in self.incoming else self.graph.condition(via)
        return and_(guard, own)
