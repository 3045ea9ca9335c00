"""``kconsist explain`` output: both sides of each rule for one arch, and the verdict."""

from __future__ import annotations

from collections.abc import Sequence

from kconsist import cond as c
from kconsist.findings import Fact, RuleExplanation, SymbolInfo
from kconsist.report.message import describe_when, line


def explanations(blocks: Sequence[RuleExplanation]) -> str:
    return "\n\n".join(_block(b) for b in blocks) + "\n"


def _block(e: RuleExplanation) -> str:
    head = f"{e.arch}: [{e.rule}] ({e.severity})"
    if e.skipped:
        return f"{head}\n  skipped: {e.skipped}"
    what = f"never {e.subject}" if e.check == "never" else f"{e.check} ${e.subject}"
    lines = [head, f"  check: {what}"]
    for name, facts in e.facts.items():
        lines.append(f"  ${name}: {len(facts)} fact{'s' if len(facts) != 1 else ''}")
        lines += [f"    {_fact_line(f)}" for f in facts]
    if e.symbols:
        lines.append("  Kconfig:")
    for sym in e.symbols:
        lines += [f"    {text}" for text in _symbol_lines(sym)]
    lines += _verdict_lines(e)
    return "\n".join(lines)


def _fact_line(f: Fact) -> str:
    return f"{f.location}: {f.kind} {f.name}, when {describe_when(f.cond)}"


def _symbol_lines(sym: SymbolInfo) -> list[str]:
    if not sym.definitions:
        return [f"{sym.name}: not defined on this arch (always n)"]
    out = []
    for d in sym.definitions:
        deps = "" if d.cond == c.TRUE else f", depends on {d.cond}"
        out.append(f"{sym.name}: defined at {d.location}{deps}")
    out += [f"  selected at {s.location} when {s.cond}" for s in sym.selects]
    return out


def _verdict_lines(e: RuleExplanation) -> list[str]:
    if not e.findings:
        if e.check == "never":
            return ["  verdict: holds: no configuration the arch's Kconfig allows satisfies it"]
        return ["  verdict: holds: no instance found"]
    n = len(e.findings)
    out = [f"  verdict: FAILS ({n} finding{'s' if n != 1 else ''})"]
    for f in e.findings:
        out.append(f"    {line(f)}")
        if f.counterexample:
            example = " ".join(f"{k}={v}" for k, v in f.counterexample.items())
            out.append(f"    counterexample: {example}")
    return out
