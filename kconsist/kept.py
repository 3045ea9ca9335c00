"""Arch outcomes (what the verdict cache keeps), their merge into one audit result, and
what the cache answers without loading anything: a warm audit, and the outcome of a
state that differs from a cached one only by edits that cannot change a verdict
(:mod:`kconsist.edits`). Nothing here imports a Kconfig or C reader or a solver, so a
command answered from the cache never loads them (:mod:`kconsist.engine` works out
what the cache does not hold)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kconsist import edits, verdicts
from kconsist.findings import AuditResult, Finding, InputError, RuleInfo, Skipped
from kconsist.rulelang import Rule
from kconsist.tree import KernelTree, TreeError


@dataclass
class ArchOutcome:
    """One arch's part of an audit (what the verdict cache keeps)."""

    arch: str
    loaded: bool
    findings: list[Finding]
    errors: list[InputError]
    missing: list[tuple[str, str]]  # (rule id, absent symbols)
    suppressed: list[Finding] = field(default_factory=list)


def carried(
    store: verdicts.VerdictCache, base: KernelTree | None, tree: KernelTree, arch: str
) -> ArchOutcome | None:
    """``arch``'s outcome on ``base`` (cached), moved to ``tree`` when every file they
    differ in was edited only where no verdict can change (comments, blank lines); the
    result is kept for ``tree``'s state too."""
    if base is None or base.root != tree.root:
        return None
    changed = _differing(base, tree)
    if not changed:
        return None
    found = store.lookup_entry(store.ids(base), arch)
    if found is None:
        return None
    outcome, deps = found
    moved: dict[str, dict[int, int]] = {}
    for rel in changed:
        old, new = _text(base, rel), _text(tree, rel)
        lines = None if old is None or new is None else edits.moves(rel, old, new)
        if lines is None:
            return None
        moved[rel] = lines
    carried = _moved(outcome, moved)
    if carried is not None:
        store.store(store.ids(tree), arch, carried, deps)
    return carried


def _differing(a: KernelTree, b: KernelTree) -> list[str]:
    """The files two states of one tree hold differently (overlays against the disk)."""
    missing = object()
    names = set(a.overlay) | set(b.overlay)
    return sorted(n for n in names if a.overlay.get(n, missing) != b.overlay.get(n, missing))


def _text(tree: KernelTree, rel: str) -> str | None:
    try:
        return tree.read_text(rel) if tree.exists(rel) else None
    except TreeError:
        return None


def _moved(outcome: ArchOutcome, moved: dict[str, dict[int, int]]) -> ArchOutcome | None:
    """``outcome`` with the lines of its sites in the moved files moved; None when one
    cannot be (an input error there, a line that is gone)."""
    if any(e.file in moved for e in outcome.errors):
        return None

    def move(f: Finding) -> Finding | None:
        if f.file not in moved or not f.kind:  # no site: the arch's Kconfig, line 1
            return f
        line = moved[f.file].get(f.line)
        return None if line is None else replace(f, line=line)

    findings = [move(f) for f in outcome.findings]
    suppressed = [move(f) for f in outcome.suppressed]
    if None in findings or None in suppressed:
        return None
    return replace(
        outcome,
        findings=[f for f in findings if f is not None],
        suppressed=[f for f in suppressed if f is not None],
    )


def merge(rules: list[Rule], outcomes: list[ArchOutcome]) -> AuditResult:
    result = AuditResult(rules=[r.id for r in rules], rule_info=rule_info(rules))
    missing: dict[tuple[str, str], list[str]] = {}
    for o in outcomes:
        if o.loaded:
            result.arches.append(o.arch)
        result.findings += o.findings
        result.suppressed += o.suppressed
        result.errors += [e for e in o.errors if e not in result.errors]
        for key in o.missing:
            missing.setdefault(key, []).append(o.arch)
    for (rule_id, symbols), where in missing.items():
        reason = f"Kconfig symbol {symbols} is not defined in this tree"
        result.skipped.append(Skipped(rule_id, reason, tuple(where)))
    result.findings.sort(key=Finding.sort_key)
    result.suppressed.sort(key=Finding.sort_key)
    return result


def rule_info(rules: list[Rule]) -> list[RuleInfo]:
    """One entry per rule id (the rows of a family that share an id: the first)."""
    seen: dict[str, RuleInfo] = {}
    for r in rules:
        seen.setdefault(r.id, RuleInfo(r.id, r.severity, r.description, r.file, r.line))
    return list(seen.values())


def cached(
    tree: KernelTree,
    rules: list[Rule],
    arches: Iterable[str],
    base: KernelTree | None = None,
) -> dict[str, ArchOutcome]:
    """The outcomes of ``arches`` on ``tree`` that the verdict cache holds: kept for
    this state, or (:func:`carried`) for ``base`` across edits that cannot change them."""
    if not verdicts.enabled():
        return {}
    store = verdicts.VerdictCache.for_tree(rules, tree)
    ids = store.ids(tree)
    found: dict[str, ArchOutcome] = {}
    for arch in arches:
        hit = store.lookup(ids, arch) or carried(store, base, tree, arch)
        if hit is not None:
            found[arch] = hit
    ids.disk.save()  # what was looked at is remembered, whatever comes next
    return found


def answered(
    tree: KernelTree,
    rules: list[Rule],
    arches: Iterable[str] | None = None,
    base: KernelTree | None = None,
) -> AuditResult | None:
    """The audit of ``tree`` (as :func:`kconsist.engine.audit` makes it) when the
    verdict cache holds every arch's outcome for this state; else None (no progress
    is shown: the engine's run then shows every arch, answered or not)."""
    names = tree.arches() if arches is None else list(arches)
    found = cached(tree, rules, names, base)
    if len(found) < len(names):
        return None
    not_arches = tree.not_arches() if arches is None else {}
    result = merge(rules, [found[a] for a in names])
    result.skipped += [Skipped(None, why, (name,)) for name, why in not_arches.items()]
    return result
