"""``kconsist explain``: both sides of each rule for one arch, and the verdict.

For maintainers who need to see why a finding holds (or why none does): every C fact
with its effective condition, the Kconfig definitions and selects of the symbols the
check names, and the counterexample when the check fails.
"""

from __future__ import annotations

from kconsist import cond as c
from kconsist.engine import Verdict, check_rule, describe_when
from kconsist.facts import ArchContext, Fact
from kconsist.rulelang import KconfigFactSpec, Rule


def explain(ctx: ArchContext, rules: list[Rule]) -> str:
    blocks = []
    for rule in rules:
        if not rule.applies_to(ctx.arch):
            continue
        absent = [s for s in rule.requires_symbols if not ctx.formula.defines(s)]
        head = f"{ctx.arch}: [{rule.id}] ({rule.severity})"
        if absent:
            blocks.append(f"{head}\n  skipped: Kconfig symbol {', '.join(absent)} is not defined")
            continue
        blocks.append(_explain_rule(ctx, rule, check_rule(ctx, rule)))
    return "\n\n".join(blocks) + "\n"


def _explain_rule(ctx: ArchContext, rule: Rule, verdict: Verdict) -> str:
    check = rule.check
    what = f"never {check.never}" if check.never is not None else f"forbid ${check.forbid}"
    lines = [f"{ctx.arch}: [{rule.id}] ({rule.severity})", f"  check: {what}"]
    for name, facts in verdict.facts.items():
        lines.append(f"  ${name}: {len(facts)} fact{'s' if len(facts) != 1 else ''}")
        lines += [f"    {_fact_line(f)}" for f in facts]
    symbols = _relevant_symbols(ctx, check.never) if check.never is not None else []
    if symbols:
        lines.append("  Kconfig:")
    for sym in symbols:
        lines += [f"    {line}" for line in _symbol_lines(ctx, sym)]
    lines += _verdict_lines(verdict)
    return "\n".join(lines)


def _fact_line(f: Fact) -> str:
    return f"{f.location}: {f.kind} {f.name}, when {describe_when(f.cond)}"


def _relevant_symbols(ctx: ArchContext, never: c.Cond) -> list[str]:
    """The check's symbols, then those their dependencies name (one level down):
    enough to see why PT_RECLAIM is on, without the whole cone."""
    named = c.symbols(never)
    deps: list[str] = []
    for name in named:
        for d in ctx.facts(KconfigFactSpec("symbol", name)):
            deps += [s for s in c.symbols(d.cond) if s not in named and s not in deps]
    return named + deps


def _symbol_lines(ctx: ArchContext, name: str) -> list[str]:
    defs = ctx.facts(KconfigFactSpec("symbol", name))
    if not defs:
        return [f"{name}: not defined on this arch (always n)"]
    out = []
    for d in defs:
        deps = "" if d.cond == c.TRUE else f", depends on {d.cond}"
        out.append(f"{name}: defined at {d.location}{deps}")
    for s in ctx.facts(KconfigFactSpec("select", name)):
        out.append(f"  selected at {s.location} when {s.cond}")
    return out


def _verdict_lines(verdict: Verdict) -> list[str]:
    if not verdict.findings:
        if verdict.rule.check.never is not None:
            return ["  verdict: holds: no configuration the arch's Kconfig allows satisfies it"]
        return ["  verdict: holds: no instance found"]
    out = [
        f"  verdict: FAILS ({len(verdict.findings)} finding"
        f"{'s' if len(verdict.findings) != 1 else ''})"
    ]
    for f in verdict.findings:
        out.append(f"    {f.file}:{f.line}: {f.severity}: [{f.rule}] {f.message}")
        if f.counterexample:
            example = " ".join(f"{k}={v}" for k, v in f.counterexample.items())
            out.append(f"    counterexample: {example}")
    return out
