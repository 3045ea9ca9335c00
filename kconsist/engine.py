"""The engine: rules x architectures -> findings.

A ``never`` check joins the rule's facts into one condition and asks the SAT solver
whether any configuration the arch's Kconfig allows satisfies it; a model is a
counterexample, reported with the fact it points at. A ``forbid`` check reports every
instance of a fact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
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


@dataclass
class _ArchOutcome:
    arch: str
    loaded: bool
    findings: list[Finding]
    errors: list[InputError]
    missing: list[tuple[str, str]]  # (rule id, absent symbols)


def audit(
    tree: KernelTree,
    rules: list[Rule],
    arches: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> AuditResult:
    """Check ``rules`` on each arch (default: all), ``jobs`` arches at a time."""
    names = tree.arches() if arches is None else list(arches)
    if jobs > 1 and len(names) > 1:
        outcomes = _in_parallel(tree, rules, names, progress, jobs)
    else:
        outcomes = []
        for arch in names:
            if progress:
                progress(arch)
            outcomes.append(audit_arch(tree, rules, arch))
    return _merge(rules, outcomes)


def _in_parallel(
    tree: KernelTree,
    rules: list[Rule],
    names: list[str],
    progress: Callable[[str], None] | None,
    jobs: int,
) -> list[_ArchOutcome]:
    # Arches are independent and loading Kconfig is CPU-bound Python: processes, not threads.
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(audit_arch, tree, rules, arch) for arch in names]
        for future in as_completed(futures):
            if progress:
                progress(future.result().arch)
        return [f.result() for f in futures]


def audit_arch(tree: KernelTree, rules: list[Rule], arch: str) -> _ArchOutcome:
    ctx = ArchContext(tree, tree.arch_env(arch))
    try:
        _ = ctx.kconf  # load now, so a parse error is this arch's error
    except TreeError as e:
        error = InputError(e.file or f"arch/{arch}/Kconfig", e.line, e.message, arch)
        return _ArchOutcome(arch, False, [], [error], [])
    findings: list[Finding] = []
    missing: list[tuple[str, str]] = []
    for rule in rules:
        if not rule.applies_to(arch):
            continue
        absent = [s for s in rule.requires_symbols if not ctx.formula.defines(s)]
        if absent:
            missing.append((rule.id, ", ".join(absent)))
            continue
        findings += check_rule(ctx, rule).findings
    errors = [InputError(f, line or None, msg, arch) for f, line, msg in ctx.problems]
    return _ArchOutcome(arch, True, findings, errors, missing)


def _merge(rules: list[Rule], outcomes: list[_ArchOutcome]) -> AuditResult:
    result = AuditResult(rules=[r.id for r in rules])
    missing: dict[tuple[str, str], list[str]] = {}
    for o in outcomes:
        if o.loaded:
            result.arches.append(o.arch)
        result.findings += o.findings
        result.errors += o.errors
        for key in o.missing:
            missing.setdefault(key, []).append(o.arch)
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
    witness = _witness(ctx, query, facts.get(rule.check.at or "", []))
    if witness is None:
        return Verdict(rule, ctx.arch, facts, [], query)
    at, model = witness
    # Show the symbols the rule names, then those of the fact's own condition.
    shown = c.symbols(rule.check.never) + (c.symbols(at.cond) if at else [])
    held = c.and_(query, at.cond) if at else query
    shown = _relevant(ctx, held, model, shown)
    return Verdict(rule, ctx.arch, facts, [_finding(ctx, rule, at, model, shown)], query)


def _relevant(ctx: ArchContext, held: c.Cond, model: sat.Model, shown: list[str]) -> list[str]:
    """The shown symbols whose value matters: drop each one that could be flipped, the
    others kept, with the counterexample still holding. Keeps counterexamples small."""
    keep = [s for s in dict.fromkeys(shown) if not s.startswith((USER_PREFIX, "<"))]
    for name in list(keep):
        fixed = [_literal(s, model.symbols.get(s, False)) for s in keep if s != name]
        flipped = _literal(name, not model.symbols.get(name, False))
        if solve(ctx, c.and_(held, flipped, *fixed)) is not None:
            keep.remove(name)
    return keep


def _literal(name: str, value: bool) -> c.Cond:
    return c.Sym(name) if value else c.not_(c.Sym(name))


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
        tuple(f"{{{a}}}={'y' if model.atoms.get(a) else 'n'}" for a in sorted(c.atoms(at.cond)))
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
        "condition": describe_when(at.cond) if at else "",
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


def describe_when(cond: c.Cond) -> str:
    """A fact's condition for people: "always" rather than "y"."""
    return "always" if cond == c.TRUE else str(cond)
