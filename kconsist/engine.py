"""The engine: rules x architectures -> findings.

A ``never`` check joins the rule's facts into one condition and asks the SAT solver
whether any configuration the arch's Kconfig allows satisfies it; a model is a
counterexample, reported with the fact it points at. A ``forbid`` check reports every
instance of a fact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kconsist import cond as c
from kconsist import sat
from kconsist.facts import ArchContext, Fact
from kconsist.findings import AuditResult, Finding, InputError, Skipped
from kconsist.kconfig.formula import USER_PREFIX
from kconsist.rulelang import Rule
from kconsist.tree import ARCH_VARIANTS, KernelTree, TreeError

# Variant ARCH names by the value of 64BIT, for counterexamples ("ARCH=sparc64").
_VARIANT_BY_64BIT = {
    arch: {value == "64BIT=y": name for name, value in variants.items()}
    for arch, variants in ARCH_VARIANTS.items()
}


@dataclass
class Verdict:
    """The outcome of one rule on one arch, with what it was decided from."""

    rule: Rule
    arch: str
    facts: dict[str, list[Fact]]
    findings: list[Finding]
    query: c.Cond | None = None


def audit(
    tree: KernelTree,
    rules: list[Rule],
    arches: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> AuditResult:
    result = AuditResult(rules=[r.id for r in rules])
    names = list(arches) if arches else tree.arches()
    missing: dict[tuple[str, str], list[str]] = {}
    for arch in names:
        if progress:
            progress(arch)
        ctx = ArchContext(tree, tree.arch_env(arch))
        try:
            ctx.kconf  # noqa: B018 - load now, so a parse error is this arch's error
        except TreeError as e:
            result.errors.append(
                InputError(e.file or f"arch/{arch}/Kconfig", e.line, e.message, arch)
            )
            continue
        result.arches.append(arch)
        for rule in rules:
            if not rule.applies_to(arch):
                continue
            absent = [s for s in rule.requires_symbols if not ctx.formula.defines(s)]
            if absent:
                missing.setdefault((rule.id, ", ".join(absent)), []).append(arch)
                continue
            result.findings += check_rule(ctx, rule).findings
        result.errors += [InputError(f, line or None, msg, arch) for f, line, msg in ctx.problems]
    for (rule_id, symbols), where in missing.items():
        reason = f"Kconfig symbol {symbols} is not defined in this tree"
        result.skipped.append(Skipped(rule_id, reason, tuple(where)))
    result.findings.sort(key=Finding.sort_key)
    return result


def check_rule(ctx: ArchContext, rule: Rule) -> Verdict:
    facts = {name: ctx.facts(spec) for name, spec in rule.facts.items()}
    if rule.check.forbid:
        found = [_finding(ctx, rule, f, None, []) for f in facts[rule.check.forbid]]
        return Verdict(rule, ctx.arch, facts, found)
    assert rule.check.never is not None
    refs = {name: c.or_(*(f.cond for f in fs)) for name, fs in facts.items()}
    query = c.substitute(rule.check.never, refs)
    found = _witness(ctx, query, facts.get(rule.check.at or "", []))
    if found is None:
        return Verdict(rule, ctx.arch, facts, [], query)
    at, model = found
    shown = c.symbols(rule.check.never) + (c.symbols(at.cond) if at else [])
    found = _finding(ctx, rule, at, model, shown)
    return Verdict(rule, ctx.arch, facts, [found], query)


def solve(ctx: ArchContext, query: c.Cond) -> sat.Model | None:
    """A configuration the arch allows in which ``query`` holds, or None."""
    ctx.formula.add_cone(c.symbols(query))
    return sat.solve([*ctx.formula.constraints, query])


def _witness(
    ctx: ArchContext, query: c.Cond, candidates: list[Fact]
) -> tuple[Fact | None, sat.Model] | None:
    """A counterexample, and the first fact (in file order) it can be shown at.

    Asking fact by fact keeps the reported location stable from run to run, whatever
    model the solver happens to find first.
    """
    for fact in candidates:
        model = solve(ctx, c.and_(query, fact.cond))
        if model is not None:
            return fact, model
    model = solve(ctx, query)
    return (None, model) if model is not None else None


def counterexample(arch: str, model: sat.Model, shown: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    variants = _VARIANT_BY_64BIT.get(arch)
    if variants and "64BIT" in model.symbols:
        out["ARCH"] = variants.get(model.symbols["64BIT"], arch)
    for name in dict.fromkeys(shown):
        if name.startswith((USER_PREFIX, "<")) or (name == "64BIT" and "ARCH" in out):
            continue
        out[name] = "y" if model.symbols.get(name, False) else "n"
    return out


def _finding(
    ctx: ArchContext, rule: Rule, at: Fact | None, model: sat.Model | None, shown: list[str]
) -> Finding:
    file, line = (at.file, at.line) if at else (f"arch/{ctx.arch}/Kconfig", 1)
    example = counterexample(ctx.arch, model, shown) if model else {}
    undecided = (
        tuple(f"{a}={'y' if model.atoms.get(a) else 'n'}" for a in sorted(c.atoms(at.cond)))
        if (model and at)
        else ()
    )
    example_text = " ".join(f"{k}={v}" for k, v in example.items())
    if undecided:
        example_text += " (assuming " + ", ".join(undecided) + ", which kconsist cannot decide)"
    values = {
        "arch": ctx.arch,
        "file": file,
        "line": line,
        "location": f"{file}:{line}",
        "name": at.name if at else "",
        "kind": at.kind if at else "",
        "condition": _when(at.cond) if at else "",
        "counterexample": example_text,
        "rule": rule.id,
    }
    return Finding(
        rule=rule.id,
        arch=ctx.arch,
        severity=rule.severity,
        file=file,
        line=line,
        message=rule.message.format(**values),
        counterexample=example,
        condition=values["condition"],
        undecided=undecided,
    )


def _when(cond: c.Cond) -> str:
    return "always" if cond == c.TRUE else str(cond)
