"""``kconsist fix``: the fixes rules declare, planned in memory, verified, then written.

A plan is computed on an overlay of the tree; each arch's edits are kept only if the
rule no longer fires on the edited tree. Files are then written all at once (each
through a temporary file and a rename), so a failed run leaves the tree untouched, and
a second run finds nothing to do. Before anything is written, every target must be a
regular file inside the tree (not a symbolic link), writable, in a writable directory,
and hold exactly the bytes the plan read: otherwise nothing is written and the run is
an input error naming the file (exit 2).

* ``select``: add ``select SYMBOL [if COND]`` (or correct the condition of an existing
  one in the arch's Kconfig), under the config entry that selects ``after``, with COND
  derived from the C side (``when``) and simplified against that entry.
* ``delete``: remove the lines of every instance of a fact (a legacy ``#define``).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import kconfiglib as kl

from kconsist import cond as c
from kconsist import engine
from kconsist.facts import ArchContext
from kconsist.findings import Fact
from kconsist.rulelang import DeleteFix, Fix, Rule, SelectFix
from kconsist.tree import KernelTree, TreeError


@dataclass
class Plan:
    tree: KernelTree
    edits: dict[str, str] = field(default_factory=dict)  # rel -> new text
    notes: list[str] = field(default_factory=list)
    unfixable: list[str] = field(default_factory=list)
    read: dict[str, str] = field(default_factory=dict)  # rel -> the text the edit was made from

    def diff(self) -> str:
        out = []
        for rel in sorted(self.edits):
            old = self.tree.read_text(rel, keep_newlines=True).splitlines(keepends=True)
            new = self.edits[rel].splitlines(keepends=True)
            out += difflib.unified_diff(old, new, f"a/{rel}", f"b/{rel}")
        return "".join(out)

    def summary(self) -> list[str]:
        return self.notes or ["kconsist: nothing to fix"]

    def apply(self) -> None:
        """Write every edit, or (a :class:`TreeError` naming the file) none."""
        targets = {rel: self._target(rel) for rel in self.edits}
        staged: list[tuple[str, str]] = []
        try:
            for rel, text in self.edits.items():
                staged.append((rel, _stage(targets[rel], text)))
            for rel in self.edits:
                self._target(rel)  # again, just before the renames
            for rel, tmp in staged:
                os.replace(tmp, targets[rel])
        except OSError as e:
            raise TreeError(f"cannot be written: {e.strerror}", file=rel) from None
        finally:
            for _, tmp in staged:
                if os.path.lexists(tmp):
                    os.unlink(tmp)

    def _target(self, rel: str) -> str:
        """The path of ``rel`` on disk, once it is known that it may be replaced."""
        path = os.path.join(self.tree.root, rel)
        try:
            st = os.lstat(path)
            directory = os.path.dirname(path)
            dir_st = os.stat(directory)
            with open(path, "rb") as f:
                on_disk = f.read()
        except OSError as e:
            raise TreeError(e.strerror or "cannot be read", file=rel) from None
        if stat.S_ISLNK(st.st_mode):
            raise TreeError("is a symbolic link: kconsist fix does not replace links", file=rel)
        if not stat.S_ISREG(st.st_mode):
            raise TreeError("is not a regular file", file=rel)
        if not Path(directory).resolve().is_relative_to(self.tree.root):
            raise TreeError("lies outside the tree (through a symbolic link)", file=rel)
        if not _writable(path, st.st_mode):
            raise TreeError("is read-only: kconsist fix leaves it alone", file=rel)
        if not _writable(directory, dir_st.st_mode):
            raise TreeError("is in a read-only directory: kconsist fix leaves it alone", file=rel)
        if on_disk != self.read[rel].encode("utf-8", "surrogateescape"):
            raise TreeError("changed on disk since kconsist read it: run fix again", file=rel)
        return path


def _writable(path: str, mode: int) -> bool:
    """Whether kconsist may write ``path``: the system lets it, and its mode grants
    write permission to someone. The mode is checked as well because root (CI, the
    tests, containers) may write anything: a file or directory nobody may write
    (``chmod a-w``) is one its owner protected, and fix respects that."""
    return os.access(path, os.W_OK) and bool(mode & 0o222)


def _stage(target: str, text: str) -> str:
    """A temporary file beside ``target`` holding ``text``, with ``target``'s mode."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.write(text)
        os.chmod(tmp, os.stat(target).st_mode & 0o7777)
    except OSError:
        os.unlink(tmp)
        raise
    return tmp


def plan(tree: KernelTree, rules: list[Rule], arches: list[str] | None = None) -> Plan:
    fixable = [r for r in rules if r.fix is not None]
    result = Plan(tree)
    for arch in arches or tree.arches():
        ctx = ArchContext(tree.with_overlay(result.edits), tree.arch_env(arch))
        for rule in fixable:
            if not engine.applicable(ctx, rule):
                continue
            verdict = engine.check_rule(ctx, rule)
            if verdict.findings:
                _fix_one(result, ctx, rule, verdict)
    return result


def _fix_one(result: Plan, ctx: ArchContext, rule: Rule, verdict: engine.Verdict) -> None:
    assert rule.fix is not None
    try:
        edit = _edits(ctx, rule.fix, verdict)
    except _Unfixable as e:
        result.unfixable.append(f"[{rule.id}] {ctx.arch}: {e}")
        return
    trial = ArchContext(ctx.tree.with_overlay(edit.texts), ctx.env)
    if engine.check_rule(trial, rule).findings:
        result.unfixable.append(f"[{rule.id}] {ctx.arch}: the fix would not silence the rule")
        return
    result.edits.update(edit.texts)
    for rel, text in edit.read.items():
        result.read.setdefault(rel, text)  # a file edited twice: what was on disk
    result.notes.append(f"[{rule.id}] {ctx.arch}: {edit.note}")


class _Unfixable(Exception):
    pass


@dataclass(frozen=True)
class _Edit:
    """New texts of files, the texts they were made from, and what was done."""

    texts: dict[str, str]
    read: dict[str, str]
    note: str


def _edits(ctx: ArchContext, fix: Fix, verdict: engine.Verdict) -> _Edit:
    match fix:
        case DeleteFix(fact):
            return _delete_lines(ctx, verdict.facts[fact])
        case SelectFix(symbol, when, after):
            return _select(ctx, symbol, engine.fold(when, verdict.facts), after)
    raise TypeError(f"unknown fix {fix!r}")


# -- delete ----------------------------------------------------------------------


def _delete_lines(ctx: ArchContext, facts: list[Fact]) -> _Edit:
    read = {f.file: ctx.tree.read_text(f.file, keep_newlines=True) for f in facts}
    by_file: dict[str, set[int]] = {}
    for f in facts:
        lines = read[f.file].splitlines(keepends=True)
        first = f.line - 1
        last = first
        while lines[last].rstrip("\r\n").endswith("\\") and last + 1 < len(lines):
            last += 1  # a #define continued over several lines
        by_file.setdefault(f.file, set()).update(range(first, last + 1))
    edits = {}
    for rel, drop in by_file.items():
        lines = read[rel].splitlines(keepends=True)
        edits[rel] = "".join(line for i, line in enumerate(lines) if i not in drop)
    where = ", ".join(f"{f.file}:{f.line}" for f in facts)
    return _Edit(edits, read, f"deleted {where}")


# -- select ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Site:
    entry: str  # the config symbol whose entry holds the line
    rel: str
    line: int  # 1-based


def _select(ctx: ArchContext, symbol: str, wanted: c.Cond, after: str | None) -> _Edit:
    if c.atoms(wanted):
        raise _Unfixable(f"the C side's condition {wanted} cannot be written in Kconfig")
    existing = _sites(ctx, symbol)
    anchors = existing or (_sites(ctx, after) if after else []) or _fallback_sites(ctx)
    if not anchors:
        raise _Unfixable(f"no config entry in arch/{ctx.arch}/ to put the select in")
    for site in anchors:
        when = _relative_condition(ctx, c.Sym(site.entry), wanted)
        if when is not None:
            return _write_select(ctx, site, symbol, when, replace=bool(existing))
    raise _Unfixable(f"no config entry selects under a condition matching {wanted}")


def _sites(ctx: ArchContext, target: str) -> list[_Site]:
    """Selects of ``target`` in the arch's own Kconfig files."""
    out = []
    for node in ctx.kconf.node_iter():
        if not isinstance(node.item, kl.Symbol):
            continue
        rel = ctx.tree.rel(node.filename)
        if not rel.startswith(f"arch/{ctx.arch}/"):
            continue
        if any(t.name == target for t, _ in node.selects):
            out.append(
                _Site(node.item.name, rel, ctx.property_line(rel, node.linenr, "select", target))
            )
    return out


def _fallback_sites(ctx: ArchContext) -> list[_Site]:
    """After the last select of the first arch entry that has selects."""
    for node in ctx.kconf.node_iter():
        rel = ctx.tree.rel(node.filename)
        if (
            isinstance(node.item, kl.Symbol)
            and node.selects
            and rel.startswith(f"arch/{ctx.arch}/")
        ):
            last = node.selects[-1][0].name
            return [_Site(node.item.name, rel, ctx.property_line(rel, node.linenr, "select", last))]
    return []


def _valid(ctx: ArchContext, claim: c.Cond) -> bool:
    """Whether ``claim`` holds in every configuration the arch allows."""
    return engine.solve(ctx, c.not_(claim)) is None


def _relative_condition(ctx: ArchContext, entry: c.Cond, wanted: c.Cond) -> c.Cond | None:
    """COND such that ``entry && COND`` is ``wanted`` on this arch (TRUE: no ``if``),
    dropping what the entry already implies; None when no such COND is found."""
    parts = list(wanted.args) if isinstance(wanted, c.And) else [wanted]
    rest = [p for p in parts if not _valid(ctx, c.implies(entry, p))]
    for when in (c.and_(*rest), wanted):
        same = c.and_(
            c.implies(c.and_(entry, when), wanted), c.implies(wanted, c.and_(entry, when))
        )
        if _valid(ctx, same):
            return when
    return None


def _write_select(ctx: ArchContext, site: _Site, symbol: str, when: c.Cond, replace: bool) -> _Edit:
    read = ctx.tree.read_text(site.rel, keep_newlines=True)
    lines = read.splitlines(keepends=True)
    anchor = lines[site.line - 1]
    indent = re.match(r"[ \t]*", anchor).group(0)  # type: ignore[union-attr]
    eol = anchor[len(anchor.rstrip("\r\n")) :] or "\n"
    suffix = "" if when == c.TRUE else f" if {when}"
    new = f"{indent}select {symbol}{suffix}{eol}"
    if replace:
        lines[site.line - 1] = new
        note = f"{site.rel}:{site.line}: select {symbol}{suffix} (condition corrected)"
    else:
        lines.insert(site.line, new)
        note = (
            f"{site.rel}:{site.line + 1}: added select {symbol}{suffix} under config {site.entry}"
        )
    return _Edit({site.rel: "".join(lines)}, {site.rel: read}, note)
