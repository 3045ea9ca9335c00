"""Whether an arch header is read at all: the conditions of the ``#include`` lines that
reach it.

For a header under ``arch/<a>/include/``, the condition is the OR, over the arch files
that include it, of the guard at the ``#include`` line AND the includer's own
condition: recursively for a header, :func:`~kconsist.cfacts.kbuild.build_condition`
for a ``.c``/``.S`` file. ``<asm/x.h>`` resolves to ``arch/<a>/include/asm/x.h`` (or
``include/uapi/asm``), ``"x.h"`` to the includer's directory first. A ``.c`` file
that no Makefile builds but another ``.c`` includes is read when its includers are.

A header is an *entry point*, true, when no arch file includes it or when generic
code does (``#include <asm/pgalloc.h>`` under include/, mm/, kernel/, lib/, init/,
block/, ipc/): generic code is built whatever the arch configuration. Cycles add
nothing.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from kconsist.cfacts import pp
from kconsist.cfacts.kbuild import build_condition
from kconsist.cond import FALSE, TRUE, Atom, Cond, and_, or_
from kconsist.tree import KernelTree, TreeError, per_tree_state

_INCLUDE = re.compile(r"\s*([<\"])([^>\"]+)[>\"]")
_INCLUDE_LINE = re.compile(r"^[ \t]*#[ \t]*include\b(.*)$", re.M)
_GENERIC_INCLUDE = re.compile(r"^\s*#\s*include\s*<(asm/[^>]+)>", re.M)
_GENERIC_DIRS = ("include", "mm", "kernel", "lib", "init", "block", "ipc")
_SOURCES = (".c", ".h", ".S")


@dataclass
class IncludeGraph:
    """Who includes whom among the files of one arch, with the include guards.

    Edges come from a cheap line match; the guard of an ``#include`` line (which needs
    the includer's full preprocessor scan, the expensive part) is worked out only for
    the headers a rule asks about, and an edge the scan does not confirm (an
    ``#include`` inside a comment) is dropped then."""

    tree: KernelTree
    arch: str
    includers: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    generic: set[str] = field(default_factory=set)  # arch headers generic code includes
    _memo: dict[str, Cond] = field(default_factory=dict)
    _active: set[str] = field(default_factory=set)
    _scans: dict[str, pp.PPScan] = field(default_factory=dict)

    @classmethod
    def build(cls, tree: KernelTree, arch: str) -> IncludeGraph:
        graph = cls(tree, arch)
        for rel in tree.files(f"arch/{arch}", _SOURCES):
            graph._add_file(rel)
        graph.generic = {
            h for h in map(graph._resolve_system, generic_asm_includes(tree)) if h is not None
        }
        return graph

    def _add_file(self, rel: str) -> None:
        try:
            text = self.tree.read_text(rel)
        except TreeError:
            return
        if "include" not in text:
            return
        line, pos = 1, 0
        for m in _INCLUDE_LINE.finditer(text):
            line, pos = line + text.count("\n", pos, m.start()), m.start()
            target = self._resolve(rel, m.group(1))
            if target is not None:
                self.includers.setdefault(target, []).append((rel, line))

    def _guard(self, includer: str, line: int) -> Cond | None:
        """The condition of the ``#include`` at ``line`` of ``includer``; None when the
        preprocessor does not see one there."""
        if includer not in self._scans:
            self._scans[includer] = pp.scan(self.tree.read_text(includer))
        scan = self._scans[includer]
        d = scan.directive_at(line)
        if d is None or d.name != "include" or d.line != line:
            return None
        return scan.guard_at(line)

    def include_guard(self, includer: str, line: int) -> Cond | None:
        """The condition of the ``#include`` at ``line`` of ``includer`` (any file of
        the tree, scanned once); None when the preprocessor sees no ``#include`` there."""
        return self._guard(includer, line)

    def _resolve(self, includer: str, rest: str) -> str | None:
        m = _INCLUDE.match(rest)
        if m is None:
            return None  # a computed include: #include MACRO
        path = m.group(2)
        if m.group(1) == '"':
            local = posixpath.normpath(posixpath.join(posixpath.dirname(includer), path))
            if self.tree.exists(local):
                return local
        return self._resolve_system(path)

    def _resolve_system(self, path: str) -> str | None:
        for base in (f"arch/{self.arch}/include", f"arch/{self.arch}/include/uapi"):
            rel = f"{base}/{path}"
            if self.tree.exists(rel):
                return rel
        return None

    def condition(self, rel: str) -> Cond:
        """Condition under which file ``rel`` of this arch is read by the compiler."""
        if rel in self._memo:
            return self._memo[rel]
        if not rel.endswith(".h"):
            built = build_condition(self.tree, rel)
            # A .c no Makefile lists may be #included by one that is (m68k's setup.c
            # picks setup_mm.c or setup_no.c): then it is read when its includers are.
            if built != Atom(f"built({rel})") or not self.includers.get(rel):
                return built
        elif rel in self.generic or not self.includers.get(rel):
            return TRUE
        if rel in self._active:
            return FALSE  # a cycle adds no way in
        self._active.add(rel)
        try:
            terms = []
            for inc, line in self.includers[rel]:
                guard = self._guard(inc, line)
                if guard is not None:
                    terms.append(and_(guard, self.condition(inc)))
            result = or_(*terms)
        finally:
            self._active.discard(rel)
        self._memo[rel] = result
        return result


@per_tree_state
def generic_asm_includes(tree: KernelTree) -> frozenset[str]:
    """The ``<asm/...>`` headers generic code includes: the same for every arch, so
    read once per tree state (and before an audit forks, so its workers share it)."""
    found: set[str] = set()
    for directory in _GENERIC_DIRS:
        for rel in tree.files(directory, (".c", ".h")):
            try:
                found.update(_GENERIC_INCLUDE.findall(tree.read_text(rel)))
            except TreeError:
                continue
    return frozenset(found)
