"""Whether a ``.c`` file is compiled at all: its condition from the Kbuild makefiles.

``obj-$(CONFIG_X) += foo.o`` builds ``foo.c`` when X is enabled (y or m: tristates are
"not n", as everywhere in kconsist); ``obj-y``/``lib-y`` always; ``bar-y += foo.o``
(and ``bar-objs``, ``bar-$(CONFIG_X)``) when ``bar.o`` itself is built; a directory
is entered when a makefile above it lists ``sub/`` (``obj-$(CONFIG_Y) += sub/``, or
``core-y``/``libs-y`` ... with tree-relative paths in ``arch/<a>/Makefile``), up to
``arch/<a>``, which is always entered. Makefile conditionals (``ifdef CONFIG_X``,
``ifeq ($(CONFIG_X),y)``) are translated where they test one symbol; others are
atoms ``make: <text>``. A list item built from other make variables
(``init_$(BITS).o``) matches any value, under the atom ``make: <item>``. A file no
makefile lists is ``Atom("built(<file>)")``, never true.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from kconsist import reads
from kconsist.cond import FALSE, TRUE, Atom, Cond, Sym, and_, not_, or_
from kconsist.tree import KernelTree, TreeError

T = TypeVar("T")

_ASSIGN = re.compile(r"^([A-Za-z0-9_./-]+?)-(y|m|n|objs|\$\(CONFIG_(\w+)\)|)\s*(?:\+|:|\?)?=(.*)$")
_LISTS = {"obj", "lib", "core", "libs", "drivers", "head", "net", "init", "virt"}
_VARIABLE = re.compile(r"^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(:=|\?=|\+=|=)(.*)$")
_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
_IFEQ = re.compile(
    r"""^\(\s*\$\(CONFIG_(\w+)\)\s*,\s*(\w*)\s*\)$|^["']\$\(CONFIG_(\w+)\)["']\s+["'](\w*)["']$"""
)


@dataclass(frozen=True)
class _Entry:
    var: str  # list or composite name: "obj", "lib", "foo" (for foo-y)
    var_cond: Cond  # of the -$(CONFIG_X) suffix
    block: Cond  # of the enclosing ifdef/ifeq blocks
    item: str  # "foo.o", "sub/", "init_$(BITS).o"; for a variable, its value
    assigns: str = ""  # a plain variable assignment: ":=", "=", "?=" or "+="


def _logical_lines(text: str) -> list[str]:
    out: list[str] = []
    buf = ""
    for raw in text.split("\n"):
        line = raw.split("#", 1)[0]
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        out.append(buf + line)
        buf = ""
    if buf:
        out.append(buf)
    return out


def _make_cond(kind: str, arg: str) -> Cond:
    """Condition of ``ifdef``/``ifndef``/``ifeq``/``ifneq`` ``arg``."""
    arg = arg.strip()
    if kind in ("ifdef", "ifndef") and re.fullmatch(r"CONFIG_\w+", arg):
        sym = Sym(arg.removeprefix("CONFIG_"))
        return sym if kind == "ifdef" else not_(sym)
    m = _IFEQ.match(arg)
    if kind in ("ifeq", "ifneq") and m:
        name, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        # "Not n" reasoning: comparing with y or m asks "enabled", with "" or n "disabled".
        if value in ("y", "m"):
            test = Sym(name)
        elif value in ("", "n"):
            test = not_(Sym(name))
        else:
            return Atom(f"make: {kind} {arg}")
        return test if kind == "ifeq" else not_(test)
    return Atom(f"make: {kind} {arg}")


def _suffix_cond(suffix: str, config: str | None) -> Cond:
    if config:
        return Sym(config)
    # "obj-", "subdir-", "core-": lists that only "make clean" reads.
    return FALSE if suffix in ("n", "") else TRUE


@lru_cache(maxsize=4096)
def _entries(text: str) -> tuple[_Entry, ...]:
    entries: list[_Entry] = []
    stack: list[Cond] = []
    for line in _logical_lines(text):
        stripped = line.strip()
        word, _, rest = stripped.partition(" ")
        if word in ("ifdef", "ifndef", "ifeq", "ifneq"):
            stack.append(_make_cond(word, rest))
        elif word == "else" and stack:
            rest_word, _, rest_arg = rest.strip().partition(" ")
            stack[-1] = not_(stack[-1])
            if rest_word in ("ifdef", "ifndef", "ifeq", "ifneq"):
                stack[-1] = and_(stack[-1], _make_cond(rest_word, rest_arg))
        elif word == "endif" and stack:
            stack.pop()
        elif m := _VARIABLE.match(stripped):
            name, op, value = m.groups()
            entries.append(_Entry(name, TRUE, and_(*stack), value.strip(), op))
        elif m := _ASSIGN.match(stripped):
            var, suffix, config, values = m.groups()
            var_cond = _suffix_cond(suffix, config)
            block = and_(*stack)
            entries.extend(_Entry(var, var_cond, block, item) for item in _words(values))
    return tuple(entries)


_INCLUDE = re.compile(r"^-?s?include\s+\$\(srctree\)/(\S+)\s*$", re.M)
_VAR_REF = re.compile(r"^\$\(([A-Za-z0-9_]+)-y\)$")
_PATSUBST = re.compile(r"^\$\(patsubst\s+%,\s*([^,%]*)%([^,]*),\s*\$\(([A-Za-z0-9_]+)-y\)\s*\)$")


def _words(values: str) -> list[str]:
    """Whitespace-separated words, a ``$(...)`` reference (which may hold spaces) kept
    whole."""
    out, word, depth = [], "", 0
    for i, ch in enumerate(values):
        if ch == "(" and (depth or values[i - 1 : i] == "$"):
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif ch.isspace() and not depth:
            if word:
                out.append(word)
            word = ""
            continue
        word += ch
    return [*out, word] if word else out


_CACHE_SIZE = 4096
_CACHE: dict[tuple[tuple[str, str], str, str], tuple[object, frozenset[reads.Read]]] = {}


def _cached(state: tuple[str, str], kind: str, directory: str, compute: Callable[[], T]) -> T:
    """Per tree state and directory: a build condition asks for the same makefiles
    once per file of the directory."""
    key = (state, kind, directory)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = reads.capture(compute)
    else:
        reads.replay(_CACHE[key][1])
    return _CACHE[key][0]  # type: ignore[return-value]


def _makefile_entries(
    tree: KernelTree, directory: str, state: tuple[str, str] | None = None
) -> tuple[_Entry, ...]:
    key = state or tree.state_key()
    return _cached(key, "entries", directory, lambda: _read_entries(tree, directory))


def _read_entries(tree: KernelTree, directory: str) -> tuple[_Entry, ...]:
    out: list[_Entry] = []
    for name in ("Kbuild", "Makefile"):
        rel = f"{directory}/{name}"
        if tree.exists(rel):
            out.extend(_file_entries(tree, rel, 0))
            if name == "Kbuild" and directory.count("/") != 1:
                break  # Kbuild replaces Makefile, except in arch/<a> where both count
    return _expand(out)


def _file_entries(tree: KernelTree, rel: str, depth: int) -> list[_Entry]:
    """The entries of one makefile and of those it includes by tree path
    (``include $(srctree)/arch/mips/Kbuild.platforms``)."""
    try:
        text = tree.read_text(rel)
    except TreeError:
        return []
    out: list[_Entry] = []
    if depth < 4:  # include chains are short; a loop ends here
        for included in _INCLUDE.findall(text):
            if tree.exists(included):
                out.extend(_file_entries(tree, included, depth + 1))
    out.extend(_entries(text))
    return out


def _expand(entries: list[_Entry]) -> tuple[_Entry, ...]:
    """Items that name another list, ``$(platform-y)`` or ``$(patsubst %,arch/arm/mach-%/,
    $(machine-y))``, replaced by that list's items, each under both conditions."""
    by_var: dict[str, list[_Entry]] = {}
    for e in entries:
        by_var.setdefault(e.var, []).append(e)
    out: list[_Entry] = []
    for e in entries:
        ref = _VAR_REF.match(e.item) or _PATSUBST.match(e.item)
        if ref is None:
            out.append(e)
            continue
        prefix, suffix, var = ("", "", ref.group(1)) if ref.re is _VAR_REF else ref.groups()
        for part in by_var.get(var, []):
            cond = and_(e.var_cond, part.var_cond)
            out.append(_Entry(e.var, cond, and_(e.block, part.block), prefix + part.item + suffix))
    return tuple(out)


Values = dict[str, list[tuple[str, Cond]]]  # variable -> (value, when it has it)


_MAX_VALUES = 16  # more alternatives than this: the variable stays unknown


def _values(entries: list[_Entry]) -> Values:
    """What each plain variable that a list item uses may hold, read in order:
    ``X := v`` under a block replaces the earlier values where the block holds;
    ``X += v`` appends; ``X ?= v`` sets it where it is still empty."""
    used = {n for e in entries if not e.assigns for n in _REF.findall(e.item)}
    out: Values = {}
    for e in entries:
        if not e.assigns or e.var not in used:
            continue
        old = out.get(e.var, [("", TRUE)])
        if e.assigns == "+=":
            new = [(f"{v} {e.item}".strip(), and_(c, e.block)) for v, c in old]
        elif e.assigns == "?=":
            new = [(v or e.item, and_(c, e.block)) for v, c in old]
        else:
            new = [(e.item, e.block)]
        kept = [(v, and_(c, not_(e.block))) for v, c in old if e.block != TRUE]
        out[e.var] = [(v, c) for v, c in [*kept, *new] if c != FALSE]
    return {name: vs for name, vs in out.items() if len(vs) <= _MAX_VALUES}


def _item_matches(item: str, target: str, values: Values | None = None) -> Cond:
    """Whether list ``item`` names ``target``: TRUE/FALSE; for an item made of plain
    variables the makefiles assign (``dma-mapping$(MMUEXT).o``), the condition under
    which their values spell it; an atom when other make variables could expand to it."""
    item = item.removeprefix("./")
    if "$" not in item:
        return TRUE if item == target else FALSE
    names = _REF.findall(item)
    plain = values and names and "$" not in _REF.sub("", item)
    if plain and all(n in values for n in names):
        return _spelled(item, target, names, values)
    pattern = re.escape(item)
    pattern = re.sub(r"\\\$\\\((?:[^)\\]|\\.)*?\\\)", r"[A-Za-z0-9_]+", pattern)
    return Atom(f"make: {item}") if re.fullmatch(pattern, target) else FALSE


def _spelled(item: str, target: str, names: list[str], values: Values) -> Cond:
    terms = []
    unique = list(dict.fromkeys(names))
    for combo in itertools.product(*(values[n] for n in unique)):
        chosen = {n: v for n, (v, _) in zip(unique, combo, strict=True)}
        text = _REF.sub(lambda m, chosen=chosen: chosen[m.group(1)], item)
        if text == target:
            terms.append(and_(*(c for _, c in combo)))
    return or_(*terms)


# (tree state, arch dir, directory, target) -> (condition, what it read)
_OBJECTS: dict[tuple[tuple[str, str], str, str, str], tuple[Cond, frozenset[reads.Read]]] = {}


def _index(entries: tuple[_Entry, ...]) -> dict[str, list[tuple[int, _Entry]]]:
    """List entries by the item they name ("$" for those a make variable spells), each
    with its place in the makefile; assignments name nothing."""
    out: dict[str, list[tuple[int, _Entry]]] = {}
    for n, e in enumerate(entries):
        if not e.assigns:
            item = e.item.removeprefix("./")
            out.setdefault("$" if "$" in item else item, []).append((n, e))
    return out


class _Resolver:
    def __init__(self, tree: KernelTree, arch_dir: str):
        self.tree = tree
        self.arch_dir = arch_dir
        self.active: set[tuple[str, str]] = set()
        self.state = tree.state_key()
        self.cuts = 0  # cycles cut so far

    def object_cond(self, directory: str, target: str) -> Cond:
        """Condition that ``target`` ("foo.o" or "sub/") of ``directory`` is built."""
        key = (directory, target)
        if key in self.active:
            self.cuts += 1
            return FALSE  # a cycle adds nothing
        self.active.add(key)
        try:
            return self._memo(directory, target, lambda: self._object_cond(directory, target))
        finally:
            self.active.discard(key)

    def _memo(self, directory: str, target: str, compute: Callable[[], Cond]) -> Cond:
        """``compute()``, kept per tree state: every file of a directory asks for the
        directory's condition, and each header's includers for theirs. Not kept when a
        cycle was cut on the way (then the answer is only right for this caller)."""
        key = (self.state, self.arch_dir, directory, target)
        if key in _OBJECTS:
            cond, read = _OBJECTS[key]
            reads.replay(read)
            return cond
        cuts = self.cuts
        cond, read = reads.capture(compute)
        if self.cuts == cuts:
            if len(_OBJECTS) >= _CACHE_SIZE:
                _OBJECTS.clear()
            _OBJECTS[key] = (cond, read)
        return cond

    def _object_cond(self, directory: str, target: str) -> Cond:
        values = self._variables(directory)
        terms = [
            self._entry_cond(directory, e, target, values)
            for e in self._entries_naming(directory, target)
        ]
        return or_(*terms)

    def _entries(self, directory: str) -> tuple[_Entry, ...]:
        return _makefile_entries(self.tree, directory, self.state)

    def _entries_naming(self, directory: str, target: str) -> list[_Entry]:
        """The list entries of ``directory`` that may name ``target``: those that spell
        it, and those with a make variable in them (read in makefile order)."""
        index = _cached(self.state, "index", directory, lambda: _index(self._entries(directory)))
        return [e for _, e in sorted(index.get(target, []) + index.get("$", []))]

    def _variables(self, directory: str) -> Values:
        """Plain variables as a makefile of ``directory`` sees them: those the arch
        Makefile sets (the top makefile includes it), then its own."""
        arch = self._entries(self.arch_dir)
        own = () if directory == self.arch_dir else self._entries(directory)
        return _cached(self.state, "values", directory, lambda: _values([*arch, *own]))

    def _entry_cond(self, directory: str, e: _Entry, target: str, values: Values) -> Cond:
        if e.assigns:
            return FALSE
        match = _item_matches(e.item, target, values)
        if match == FALSE:
            return FALSE
        if e.var in _LISTS:
            parent = self.dir_cond(directory)
        else:  # a part of the composite object <var>.o
            parent = self.object_cond(directory, e.var + ".o")
        return and_(match, e.var_cond, e.block, parent)

    def dir_cond(self, directory: str) -> Cond:
        """Condition that kbuild enters ``directory``."""
        if directory == self.arch_dir:
            return TRUE
        return self._memo(directory, "", lambda: self._dir_cond(directory))

    def _dir_cond(self, directory: str) -> Cond:
        terms: list[Cond] = []
        ancestor = directory
        while ancestor.count("/") >= self.arch_dir.count("/") and ancestor != self.arch_dir:
            ancestor = posixpath.dirname(ancestor)
            rel = posixpath.relpath(directory, ancestor) + "/"
            terms.append(self.object_cond(ancestor, rel))
        # arch/<a>/Makefile lists directories by their tree-relative path.
        values = self._variables(self.arch_dir)
        for e in self._entries(self.arch_dir):
            if e.var in _LISTS and not e.assigns:
                match = _item_matches(e.item, directory + "/", values)
                if match != FALSE:
                    terms.append(and_(match, e.var_cond, e.block))
        return or_(*terms)


def build_condition(tree: KernelTree, rel_c_file: str) -> Cond:
    """Condition under which ``rel_c_file`` (under ``arch/<a>/``) is compiled."""
    parts = rel_c_file.split("/")
    if len(parts) < 3 or parts[0] != "arch":
        return Atom(f"built({rel_c_file})")
    resolver = _Resolver(tree, f"arch/{parts[1]}")
    directory = posixpath.dirname(rel_c_file)
    stem = posixpath.splitext(posixpath.basename(rel_c_file))[0]
    cond = resolver.object_cond(directory, stem + ".o")
    return Atom(f"built({rel_c_file})") if cond == FALSE else cond


def asm_generic_wrappers(tree: KernelTree, arch: str) -> frozenset[str]:
    """The headers ``X.h`` for which Kbuild generates ``arch/<a>/include/generated/asm/
    X.h`` holding ``#include <asm-generic/X.h>`` (scripts/Makefile.asm-headers): the
    arch's ``generic-y``, and include/asm-generic/Kbuild's ``mandatory-y`` (not for um),
    less the headers the arch has itself and its ``generated-y``."""
    lists: dict[str, set[str]] = {"generic": set(), "mandatory": set(), "generated": set()}
    sources = [f"arch/{arch}/include/asm/Kbuild"]
    if arch != "um":
        sources.append("include/asm-generic/Kbuild")
    for rel in sources:
        try:
            text = tree.read_text(rel)
        except TreeError:
            continue
        for e in _entries(text):
            if e.var in lists and not e.assigns and e.var_cond == TRUE:
                lists[e.var].add(e.item)
    wanted = (lists["generic"] | lists["mandatory"]) - lists["generated"]
    return frozenset(h for h in wanted if not tree.exists(f"arch/{arch}/include/asm/{h}"))
