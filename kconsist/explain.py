"""``kconsist explain``: both sides of each rule for one arch, and the verdict.

For maintainers who need to see why a finding holds (or why none does): every C fact
with its effective condition, the Kconfig definitions and selects of the symbols the
check names, and the counterexample when the check fails. This module gathers them;
:mod:`kconsist.report.explain` renders them.
"""

from __future__ import annotations

from kconsist import cond as c
from kconsist import engine
from kconsist.facts import ArchContext
from kconsist.findings import RuleExplanation, SymbolInfo
from kconsist.rulelang import Forbid, KconfigFactSpec, Never, Possible, Rule


def explain(ctx: ArchContext, rules: list[Rule]) -> list[RuleExplanation]:
    """One explanation per rule that applies to the arch (skipped ones say why)."""
    out = []
    for rule in rules:
        if not rule.applies_to(ctx.arch):
            continue
        absent = engine.missing_symbols(ctx, rule)
        if absent:
            reason = f"Kconfig symbol {', '.join(absent)} is not defined"
            out.append(_explanation(ctx, rule, skipped=reason))
            continue
        out.append(_explain_rule(ctx, rule))
    return out


def _explanation(ctx: ArchContext, rule: Rule, skipped: str = "") -> RuleExplanation:
    match rule.check:
        case Never(cond):
            check, subject = "never", cond
        case Forbid(fact):
            check, subject = "forbid", fact
        case Possible(fact):
            check, subject = "possible", fact
    return RuleExplanation(ctx.arch, rule.id, rule.severity, check, subject, skipped=skipped)


def _explain_rule(ctx: ArchContext, rule: Rule) -> RuleExplanation:
    verdict = engine.check_rule(ctx, rule)
    out = _explanation(ctx, rule)
    out.facts = verdict.facts
    out.findings = verdict.findings
    if isinstance(rule.check, Never):
        out.symbols = [_symbol(ctx, s) for s in _relevant_symbols(ctx, rule.check.cond)]
    return out


def _relevant_symbols(ctx: ArchContext, never: c.Cond) -> list[str]:
    """The check's symbols, then those their dependencies name (one level down):
    enough to see why PT_RECLAIM is on, without the whole cone."""
    named = c.symbols(never)
    deps: list[str] = []
    for name in named:
        for d in ctx.facts(KconfigFactSpec("symbol", name)):
            deps += [s for s in c.symbols(d.cond) if s not in named and s not in deps]
    return named + deps


def _symbol(ctx: ArchContext, name: str) -> SymbolInfo:
    defs = ctx.facts(KconfigFactSpec("symbol", name))
    selects = ctx.facts(KconfigFactSpec("select", name)) if defs else []
    return SymbolInfo(name, defs, selects)
