"""``kconsist fix``: the fixes rules declare, planned in memory, verified, then written.

A plan is computed on an overlay of the tree; each arch's edits are kept only if the
rule no longer fires on the edited tree. Files are then written all at once (each
through a temporary file and a rename), so a failed run leaves the tree untouched, and
a second run finds nothing to do.

* ``select``: add ``select SYMBOL [if COND]`` (or correct the condition of an existing
  one in the arch's Kconfig), under the config entry that selects ``after``, with COND
  derived from the C side (``when``) and simplified against that entry.
* ``delete``: remove the lines of every instance of a fact (a legacy ``#define``).
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import dataclass, field

import kconfiglib as kl

from kconsist import cond as c
from kconsist import engine
from kconsist.facts import ArchContext
from kconsist.findings import Fact
from kconsist.rulelang import DeleteFix, Fix, Rule, SelectFix
from kconsist.tree import KernelTree


@dataclass
class Plan:
    tree: KernelTree
    edits: dict[str, str] = field(default_factory=dict)  # rel -> new text
    notes: list[str] = field(default_factory=list)
    unfixable: list[str] = field(default_factory=list)

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
        staged = []
        try:
            for rel, text in self.edits.items():
                target = self.tree.path(rel)
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
                with os.fdopen(
                    fd, "w", encoding="utf-8", errors="surrogateescape", newline=""
                ) as f:
                    f.write(text)
                os.chmod(tmp, target.stat().st_mode & 0o7777)
                staged.append((tmp, target))
        except OSError:
            for tmp, _ in staged:
                os.unlink(tmp)
            raise
        for tmp, target in staged:
            os.replace(tmp, target)


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
        edits, note = _edits(ctx, rule.fix, verdict)
    except _Unfixable as e:
        result.unfixable.append(f"[{rule.id}] {ctx.arch}: {e}")
        return
    trial = ArchContext(ctx.tree.with_overlay(edits), ctx.env)
    if engine.check_rule(trial, rule).findings:
        result.unfixable.append(f"[{rule.id}] {ctx.arch}: the fix would not silence the rule")
        return
    result.edits.update(edits)
    result.notes.append(f"[{rule.id}] {ctx.arch}: {note}")


class _Unfixable(Exception):
    pass


def _edits(ctx: ArchContext, fix: Fix, verdict: engine.Verdict) -> tuple[dict[str, str], str]:
    match fix:
        case DeleteFix(fact):
            return _delete_lines(ctx, verdict.facts[fact])
        case SelectFix(symbol, when, after):
            return _select(ctx, symbol, engine.fold(when, verdict.facts), after)
    raise TypeError(f"unknown fix {fix!r}")


# -- delete ----------------------------------------------------------------------


def _delete_lines(ctx: ArchContext, facts: list[Fact]) -> tuple[dict[str, str], str]:
    by_file: dict[str, set[int]] = {}
    for f in facts:
        lines = ctx.tree.read_text(f.file, keep_newlines=True).splitlines(keepends=True)
        first = f.line - 1
        last = first
        while lines[last].rstrip("\r\n").endswith("\\") and last + 1 < len(lines):
            last += 1  # a #define continued over several lines
        by_file.setdefault(f.file, set()).update(range(first, last + 1))
    edits = {}
    for rel, drop in by_file.items():
        lines = ctx.tree.read_text(rel, keep_newlines=True).splitlines(keepends=True)
        edits[rel] = "".join(line for i, line in enumerate(lines) if i not in drop)
    where = ", ".join(f"{f.file}:{f.line}" for f in facts)
    return edits, f"deleted {where}"


# -- select ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Site:
    entry: str  # the config symbol whose entry holds the line
    rel: str
    line: int  # 1-based


def _select(
    ctx: ArchContext, symbol: str, wanted: c.Cond, after: str | None
) -> tuple[dict[str, str], str]:
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


def _write_select(
    ctx: ArchContext, site: _Site, symbol: str, when: c.Cond, replace: bool
) -> tuple[dict[str, str], str]:
    lines = ctx.tree.read_text(site.rel, keep_newlines=True).splitlines(keepends=True)
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
    return {site.rel: "".join(lines)}, note
