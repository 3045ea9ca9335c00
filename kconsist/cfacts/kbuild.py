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

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache

from kconsist.cond import FALSE, TRUE, Atom, Cond, Sym, and_, not_, or_
from kconsist.tree import KernelTree, TreeError

_ASSIGN = re.compile(r"^([A-Za-z0-9_./-]+?)-(y|m|n|objs|\$\(CONFIG_(\w+)\)|)\s*(?:\+|:|\?)?=(.*)$")
_LISTS = {"obj", "lib", "core", "libs", "drivers", "head", "net", "init", "virt"}
_IFEQ = re.compile(
    r"""^\(\s*\$\(CONFIG_(\w+)\)\s*,\s*(\w*)\s*\)$|^["']\$\(CONFIG_(\w+)\)["']\s+["'](\w*)["']$"""
)


@dataclass(frozen=True)
class _Entry:
    var: str  # list or composite name: "obj", "lib", "foo" (for foo-y)
    var_cond: Cond  # of the -$(CONFIG_X) suffix
    block: Cond  # of the enclosing ifdef/ifeq blocks
    item: str  # "foo.o", "sub/", "init_$(BITS).o"


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
    return FALSE if suffix == "n" else TRUE


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
        elif m := _ASSIGN.match(stripped):
            var, suffix, config, values = m.groups()
            var_cond = _suffix_cond(suffix, config)
            block = and_(*stack)
            entries.extend(_Entry(var, var_cond, block, item) for item in values.split())
    return tuple(entries)


def _makefile_entries(tree: KernelTree, directory: str) -> tuple[_Entry, ...]:
    out: list[_Entry] = []
    for name in ("Kbuild", "Makefile"):
        rel = f"{directory}/{name}"
        if tree.exists(rel):
            try:
                text = tree.read_text(rel)
            except TreeError:
                continue
            out.extend(_entries(text))
            if name == "Kbuild" and directory.count("/") != 1:
                break  # Kbuild replaces Makefile, except in arch/<a> where both count
    return tuple(out)


def _item_matches(item: str, target: str) -> Cond:
    """TRUE/FALSE whether list ``item`` names ``target``; an atom when it uses make
    variables that could expand to it."""
    item = item.removeprefix("./")
    if "$" not in item:
        return TRUE if item == target else FALSE
    pattern = re.escape(item)
    pattern = re.sub(r"\\\$\\\((?:[^)\\]|\\.)*?\\\)", r"[A-Za-z0-9_]+", pattern)
    return Atom(f"make: {item}") if re.fullmatch(pattern, target) else FALSE


class _Resolver:
    def __init__(self, tree: KernelTree, arch_dir: str):
        self.tree = tree
        self.arch_dir = arch_dir
        self.active: set[tuple[str, str]] = set()

    def object_cond(self, directory: str, target: str) -> Cond:
        """Condition that ``target`` ("foo.o" or "sub/") of ``directory`` is built."""
        key = (directory, target)
        if key in self.active:
            return FALSE  # a cycle adds nothing
        self.active.add(key)
        try:
            terms = [self._entry_cond(directory, e, target) for e in self._entries(directory)]
            return or_(*terms)
        finally:
            self.active.discard(key)

    def _entries(self, directory: str) -> tuple[_Entry, ...]:
        return _makefile_entries(self.tree, directory)

    def _entry_cond(self, directory: str, e: _Entry, target: str) -> Cond:
        match = _item_matches(e.item, target)
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
        terms: list[Cond] = []
        ancestor = directory
        while ancestor.count("/") >= self.arch_dir.count("/") and ancestor != self.arch_dir:
            ancestor = posixpath.dirname(ancestor)
            rel = posixpath.relpath(directory, ancestor) + "/"
            terms.append(self.object_cond(ancestor, rel))
        # arch/<a>/Makefile lists directories by their tree-relative path.
        for e in _makefile_entries(self.tree, self.arch_dir):
            if e.var in _LISTS and _item_matches(e.item, directory + "/") != FALSE:
                terms.append(and_(_item_matches(e.item, directory + "/"), e.var_cond, e.block))
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
