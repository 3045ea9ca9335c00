"""Candidate arch-override pairs, derived from the guards of generic fallbacks.

A header in include/ that defines ``f()`` (a function or a macro) only where some
guard says the arch has not, names a pair (f, X) that a rule can check:

- ``#ifndef CONFIG_X`` (or ``!defined(CONFIG_X)``) with X an opt-in symbol
  (``ARCH_HAS_*``, ``HAVE_ARCH_*``, ``ARCH_HAVE_*``): kind ``config``;
- ``#ifndef __HAVE_ARCH_X``: kind ``flag`` (the arch ``#define``\\ s the flag);
- ``#ifndef f`` around ``f`` itself: kind ``name`` (the arch ``#define``\\ s ``f``).

For each pair, how many arches define ``f`` under ``arch/<arch>/`` and how many select
(or define) X there: read from the text of the arch's files (a definition is ``#define
f`` or ``f(params) {``), nothing loaded or run, so a select made from outside arch/ is
not counted. The counts say where a rule would
have something to check; ``kconsist discover`` prints the pairs as rule YAML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kconsist import cond as c
from kconsist.cfacts import CFact, scan_text
from kconsist.findings import Candidate
from kconsist.tree import KernelTree, TreeError

# Kconfig symbols by which an arch says it brings its own version of something.
OPT_IN = re.compile(r"(?:ARCH_HAS|HAVE_ARCH|ARCH_HAVE)_\w+")
_FLAG = re.compile(r"defined\((__HAVE_ARCH_\w+)\)")
_DEFINED = re.compile(r"defined\((\w+)\)")
_KINDS = ("function", "macro")
# A line that may switch a fallback off: the cheap filter before parsing a header
# (an #if line naming an opt-in or a flag, or #ifndef of a lower-case name; include
# guards are upper case).
_SWITCH_LINE = re.compile(
    r"^[ \t]*#[ \t]*(?:ifndef[ \t]+_*[a-z]\w*[ \t]*$"
    r"|(?:if|ifdef|ifndef|elif)\b.*\b(?:CONFIG_(?:ARCH_HAS|HAVE_ARCH|ARCH_HAVE)_|__HAVE_ARCH_))",
    re.M,
)


@dataclass(frozen=True)
class Fallback:
    """A generic definition of ``fn`` in ``file`` that guard ``symbol`` switches off."""

    fn: str
    symbol: str
    kind: str  # "config", "flag" or "name"
    file: str
    line: int


def fallbacks(tree: KernelTree, base: str = "include") -> list[Fallback]:
    """Every guarded generic definition in the headers under ``base``."""
    out: list[Fallback] = []
    for rel in tree.files(base, (".h",)):
        try:
            text = tree.read_text(rel)
        except TreeError:
            continue
        if not _SWITCH_LINE.search(text):
            continue  # most headers: parsing them would find nothing
        for fact in scan_text(text, rel, None).facts:
            if fact.kind in _KINDS:
                out += [Fallback(fact.name, s, k, rel, fact.line) for s, k in _guards(fact)]
    return out


def _guards(fact: CFact) -> Iterable[tuple[str, str]]:
    """The switches of a fact's guard: the negated conjuncts that name an opt-in."""
    guard, name = fact.guard, fact.name
    parts = guard.args if isinstance(guard, c.And) else (guard,)
    for part in parts:
        if not isinstance(part, c.Not):
            continue
        arg = part.arg
        if isinstance(arg, c.Sym) and OPT_IN.fullmatch(arg.name):
            yield arg.name, "config"
        elif isinstance(arg, c.Atom) and (m := _FLAG.fullmatch(arg.text)):
            yield m.group(1), "flag"
        elif isinstance(arg, c.Atom) and (m := _DEFINED.fullmatch(arg.text)) and m[1] == name:
            yield name, "name"


def candidates(tree: KernelTree) -> list[Candidate]:
    """One candidate per (fn, symbol), with the arches on either side."""
    pairs: dict[tuple[str, str], Fallback] = {}
    for fb in fallbacks(tree):
        pairs.setdefault((fb.fn, fb.symbol), fb)
    defined = {arch: _arch_definitions(tree, arch) for arch in tree.arches()}
    opted = {arch: _arch_opt_ins(tree, arch) for arch in tree.arches()}
    out = []
    for (fn, symbol), fb in sorted(pairs.items()):
        override = tuple(a for a in defined if fn in defined[a].functions_and_macros)
        if fb.kind == "config":
            opt_in = tuple(a for a in opted if symbol in opted[a])
        else:
            opt_in = tuple(a for a in defined if symbol in defined[a].macros)
        out.append(Candidate(fn, symbol, fb.kind, fb.file, fb.line, override, opt_in))
    return out


@dataclass
class _Defined:
    functions_and_macros: set[str]
    macros: set[str]


_DEFINE_LINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)", re.M)
# A name, a parameter list (one level of nested parentheses) and a body: a function
# definition, as far as a text scan can tell (cheap enough for every arch file).
_BODY = re.compile(r"\b([A-Za-z_]\w*)\s*\([^;{}()]*(?:\([^;{}()]*\)[^;{}()]*)*\)\s*\{")


def _arch_definitions(tree: KernelTree, arch: str) -> _Defined:
    """What the arch's .c/.h files define, read as text: ``#define NAME`` and
    ``NAME(params) {``."""
    out = _Defined(set(), set())
    for rel in tree.files(f"arch/{arch}", (".c", ".h")):
        try:
            text = tree.read_text(rel)
        except TreeError:
            continue
        out.macros.update(_DEFINE_LINE.findall(text))
        out.functions_and_macros.update(_BODY.findall(text))
    out.functions_and_macros |= out.macros
    return out


_SELECT = re.compile(r"^\s*(?:select|imply)\s+(\w+)|^\s*(?:menu)?config\s+(\w+)", re.M)


def _arch_opt_ins(tree: KernelTree, arch: str) -> set[str]:
    """Symbols the arch's own Kconfig files select, imply or define."""
    out: set[str] = set()
    for rel in tree.files(f"arch/{arch}"):
        if not rel.rsplit("/", 1)[-1].startswith("Kconfig"):
            continue
        try:
            text = tree.read_text(rel)
        except TreeError:
            continue
        out.update(a or b for a, b in _SELECT.findall(text))
    return out
