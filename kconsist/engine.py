"""The engine: rules x architectures -> findings.

A ``never`` check joins the rule's facts into one condition and asks the SAT solver,
for each instance of the fact it points at, whether any configuration the arch's
Kconfig allows satisfies it with that instance in effect; each model is a
counterexample, one finding per violating instance. A ``forbid`` check reports every
instance of a fact; a ``possible`` check every instance no configuration puts in effect.

Symbols mean what Kconfig says on the arch (:meth:`ArchContext.exact`): one the arch
does not define is n, so a typo or another arch's symbol can never be "y" in a
counterexample, and a rule symbol no Kconfig file of the tree defines is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace

import kconfiglib as kl

from kconsist import cond as c
from kconsist import effective, kept, reads, rulelang, sat, suppress, verdicts
from kconsist.cfacts import pp
from kconsist.cfacts.pp import directive_cond
from kconsist.cfacts.reach import reachers
from kconsist.facts import ArchContext, read_shared
from kconsist.findings import AuditResult, Fact, Finding, InputError, Skipped
from kconsist.kconfig.formula import MODEL, USER_PREFIX
from kconsist.kconfig.preprocess import PROBE_PREFIX
from kconsist.kept import ArchOutcome, merge
from kconsist.rulelang import CFactSpec, Forbid, Never, Possible, Rule
from kconsist.tree import ARCH_VARIANTS, KernelTree, TreeError

_UNDEFINED = (
    "rule '{rule}' names Kconfig symbol {symbol}, which no Kconfig file of this tree "
    "defines (list it under 'requires: symbols' if that is expected)"
)

_CONFIG = re.compile(r"\bCONFIG_(\w+)")

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
    jobs: int = 1,
    base: KernelTree | None = None,
) -> AuditResult:
    """Check ``rules`` on each arch (default: all, and a directory under arch/ without a
    Kconfig is listed as skipped), ``jobs`` arches at a time. An arch named that the tree
    does not have (a change deleted its Kconfig) is an input error of that arch."""
    not_arches = tree.not_arches() if arches is None else {}
    result = merge(rules, outcomes(tree, rules, arches, progress, jobs, base))
    result.skipped += [Skipped(None, why, (name,)) for name, why in not_arches.items()]
    return result


def outcomes(
    tree: KernelTree,
    rules: list[Rule],
    arches: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
    jobs: int = 1,
    base: KernelTree | None = None,
) -> list[ArchOutcome]:
    """What :func:`audit` merges: each arch's outcome, in the order of ``arches``.

    Each arch's outcome comes from the verdict cache (:mod:`kconsist.verdicts`) when
    nothing it read has changed; else, when ``base`` (an earlier state of the same
    tree, e.g. HEAD for a pre-commit) is cached and differs from ``tree`` only by edits
    that cannot change a verdict (:mod:`kconsist.edits`), from ``base``'s with lines
    moved; else it is worked out, and kept."""
    names = tree.arches() if arches is None else list(arches)
    store = verdicts.VerdictCache.for_tree(rules, tree) if verdicts.enabled() else None
    done: dict[str, ArchOutcome] = {}
    if store is not None:
        ids = store.ids(tree)
        for arch in names:
            hit = store.lookup(ids, arch) or kept.carried(store, base, tree, arch)
            if hit is not None:
                done[arch] = hit
                if progress:
                    progress(arch)
    todo = [a for a in names if a not in done]
    if jobs > 1 and len(todo) > 1:
        read_shared(tree, [spec for r in rules for spec in r.facts.values()])
        worked = _in_parallel(tree, rules, todo, progress, jobs)
    else:
        worked = []
        for arch in todo:
            if progress:
                progress(arch)
            worked.append(_recorded(tree, rules, arch))
    for outcome, log in worked:
        done[outcome.arch] = outcome
        if store is not None:
            store.store(ids, outcome.arch, outcome, log)
    if store is not None:
        ids.disk.save()
    return [done[a] for a in names]


def _recorded(
    tree: KernelTree, rules: list[Rule], arch: str
) -> tuple[ArchOutcome, frozenset[reads.Read]]:
    """:func:`audit_arch`, and everything it read."""
    with reads.recording() as log:
        outcome = audit_arch(tree, rules, arch)
    # The scans kept are of this arch's files, which the next arch a worker takes
    # does not read: let them go rather than carry them (peak memory).
    pp.scan.cache_clear()
    return outcome, verdicts.narrow(log)  # small: a worker sends it back


def _in_parallel(
    tree: KernelTree,
    rules: list[Rule],
    names: list[str],
    progress: Callable[[str], None] | None,
    jobs: int,
) -> list[tuple[ArchOutcome, frozenset[reads.Read]]]:
    # Arches are independent and loading Kconfig is CPU-bound Python: processes, not threads.
    # The largest first, so that no large arch is left to run alone at the end.
    largest_first = sorted(names, key=lambda a: -_c_files(tree, a))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_recorded, tree, rules, arch) for arch in largest_first]
        for future in as_completed(futures):
            if progress:
                progress(future.result()[0].arch)
        return [f.result() for f in futures]


def _c_files(tree: KernelTree, arch: str) -> int:
    """The C, header and assembler files under arch/<arch>/: a fair proxy of the work
    of an arch (7.3: arm, powerpc, x86 and mips have over 1,200, most others under 600)."""
    return sum(1 for _ in tree.files(f"arch/{arch}", (".c", ".h", ".S")))


def audit_arch(tree: KernelTree, rules: list[Rule], arch: str) -> ArchOutcome:
    try:
        ctx = ArchContext(tree, tree.arch_env(arch))
        _ = ctx.kconf  # load now, so a parse error is this arch's error
    except TreeError as e:
        error = InputError(e.file or f"arch/{arch}/Kconfig", e.line, e.message, arch)
        return ArchOutcome(arch, False, [], [error], [])
    findings: list[Finding] = []
    missing: list[tuple[str, str]] = []
    rule_errors: list[InputError] = []
    for rule in rules:
        if not rule.applies_to(arch):
            continue
        absent = missing_symbols(ctx, rule)
        if absent:
            missing.append((rule.id, ", ".join(absent)))
            continue
        if typos := unknown_symbols(ctx, rule):
            rule_errors += typos
            continue
        try:
            findings += check_rule(ctx, rule).findings
        except RecursionError:  # conditions nested thousands deep: the input, not a bug
            why = f"[{rule.id}] conditions nested too deeply to check"
            rule_errors.append(InputError(f"arch/{arch}/Kconfig", None, why, arch))
    errors = [InputError(f, line or None, msg, arch) for f, line, msg in ctx.problems]
    findings, suppressed = suppress.split(tree, findings)
    return ArchOutcome(arch, True, findings, [*rule_errors, *errors], missing, suppressed)


def applicable(ctx: ArchContext, rule: Rule) -> bool:
    """Whether ``rule`` is checked on the arch of ``ctx``: the arch filter, and every
    symbol the rule ``requires`` defined. The one predicate of audit, explain and fix."""
    return rule.applies_to(ctx.arch) and not missing_symbols(ctx, rule)


def missing_symbols(ctx: ArchContext, rule: Rule) -> list[str]:
    """The symbols the rule ``requires`` that the arch's Kconfig does not define."""
    return [s for s in rule.requires_symbols if not ctx.formula.defines(s)]


def unknown_symbols(ctx: ArchContext, rule: Rule) -> list[InputError]:
    """An error, at the rule's line, for each symbol the rule names that no Kconfig
    file of the tree defines (asked only about those the arch does not define)."""
    absent = [(n, line) for n, line in rule.symbols if not ctx.formula.defines(n)]
    if not absent:
        return []
    known = ctx.tree.kconfig_symbols()
    return [
        InputError(rule.file, line, _UNDEFINED.format(rule=rule.id, symbol=n))
        for n, line in absent
        if n not in known
    ]


def gather(ctx: ArchContext, rule: Rule) -> dict[str, list[Fact]]:
    """The instances of each of the rule's facts on the arch."""
    return {name: ctx.facts(spec) for name, spec in rule.facts.items()}


def fold(cond: c.Cond, facts: dict[str, list[Fact]]) -> c.Cond:
    """``cond`` with each ``$fact`` replaced by "some instance of it is in effect"."""
    refs = {name: c.or_(*(f.cond for f in fs)) for name, fs in facts.items()}
    return c.substitute(cond, refs)


def check_rule(ctx: ArchContext, rule: Rule) -> Verdict:
    if rule.captures:
        return _check_captured(ctx, rule)
    facts = gather(ctx, rule)
    match rule.check:
        case Forbid(fact):
            found = [_finding(ctx, rule, f, None, []) for f in facts[fact]]
            return Verdict(rule, ctx.arch, facts, found)
        case Never(never, at_fact):
            return _check_never(ctx, rule, facts, never, at_fact)
        case Possible(fact):
            found = [_impossible(ctx, rule, f) for f in facts[fact] if _never(ctx, f)]
            return Verdict(rule, ctx.arch, facts, found)
    raise TypeError(f"unknown check {rule.check!r}")


def _check_captured(ctx: ArchContext, rule: Rule) -> Verdict:
    """A per-instance family: the names the fact the check points at may have (C names:
    the words its regex matches, found without parsing), grouped by what they bind the
    captures to, each group checked as its own rule. A binding whose derived symbols no
    Kconfig file of the tree defines (or the arch lacks, where the rule requires them)
    is no member of the family: nothing of it is parsed or checked."""
    at = rulelang.at_fact(rule) or ""
    spec = rule.facts[at]
    if isinstance(spec, CFactSpec):
        names = ctx.names_matching(spec)
    else:
        names = {f.name for f in ctx.facts(spec)}
    groups: dict[tuple[tuple[str, str], ...], set[str]] = {}
    for name in names:
        groups.setdefault(rulelang.capture_of(rule, name), set()).add(name)
    findings: list[Finding] = []
    instances: list[Fact] = []
    for capture, members in sorted(groups.items()):
        member = rulelang.bound(rule, capture, tuple(sorted(members)))
        if missing_symbols(ctx, member) or unknown_symbols(ctx, member):
            continue
        verdict = check_rule(ctx, member)
        findings += verdict.findings
        instances += verdict.facts.get(at, [])
    return Verdict(rule, ctx.arch, {at: instances}, findings)


def _check_never(
    ctx: ArchContext,
    rule: Rule,
    facts: dict[str, list[Fact]],
    never: c.Cond,
    at_fact: str | None,
) -> Verdict:
    query = fold(never, facts)
    findings = []
    for at in facts.get(at_fact or "", []):
        # This site in effect: its own verdict and counterexample. Unknowns of the
        # site itself are assumed, and said so; all others count against the finding
        # (an arch file whose build kconsist cannot decide is taken to be built
        # where that hides a violation, not built where that would show one).
        held = c.and_(c.against(query, c.atoms(at.cond)), at.cond)
        model = solve(ctx, held)
        if model is not None:
            findings.append(_shown(ctx, rule, at, held, model, never))
    held = c.against(query, set())
    if not findings and (model := solve(ctx, held)) is not None:
        findings.append(_shown(ctx, rule, None, held, model, never))  # no site to show
    return Verdict(rule, ctx.arch, facts, findings, query)


def _shown(
    ctx: ArchContext, rule: Rule, at: Fact | None, held: c.Cond, model: sat.Model, never: c.Cond
) -> Finding:
    # Show the symbols the rule names, then those of the fact's own condition, then
    # any other the verdict rests on (another fact's condition); _relevant keeps
    # those whose value matters, trying the others first.
    named = c.symbols(never)
    primary = list(dict.fromkeys(named + (c.symbols(at.cond) if at else [])))
    others = [s for s in c.symbols(held) if s not in primary]
    order = _relevant(ctx, held, model, [*others, *primary], others)
    shown = [s for s in [*primary, *others] if s in order]
    return _finding(ctx, rule, at, model, shown)


def _never(ctx: ArchContext, fact: Fact) -> bool:
    """Whether ``fact`` is never in effect, for ``possible:``. An assertion (a branch
    of ``#error`` lines) is not asked: dead is what it asserts. A name nothing sets is
    left open (:meth:`ArchContext.opened`): dead-config-symbol reports it."""
    if fact.asserts or not _judged(ctx, fact):
        return False
    view = ctx.opened(fact)
    return _is_dead(ctx, view) and _dead_where_reached(ctx, view)


def _is_dead(ctx: ArchContext, fact: Fact) -> bool:
    """No configuration puts ``fact`` in effect, with any toolchain, though one reaches
    where it is (an impossible surrounding is reported at the surrounding's own site
    instead). Toolchain probes are left open: dead means dead whatever they answer."""
    cond, outer = fact.cond, fact.outer
    if fact.nest is not None and not ctx.build_is_exact(fact.file):
        # The file's Kbuild condition may miss a way it is built: its #if nest alone.
        cond, outer = ctx.guard_condition(fact.nest), ctx.guard_condition(fact.nest_outer)
    elif (passes := ctx.in_any_pass(fact)) is not None:
        cond, outer = passes  # read by genksyms, sparse or the assembler too: in effect
    if cond == outer:
        return False  # a plain select: in effect wherever its surrounding is
    if possible(ctx, cond):
        return False
    return outer is None or possible(ctx, outer)


def _judged(ctx: ArchContext, fact: Fact) -> bool:
    """Whether Kconfig alone decides a guard. Not when it tests a ``CONFIG_`` name that
    code ``#define``s or ``-D``s (parisc's cache.c sets CONFIG_FLUSH_PAGE_ACCESSED), nor
    a word-size macro read as a Kconfig symbol (``__powerpc64__`` as PPC64): a 32-bit
    vDSO or compat object of a 64-bit kernel has CONFIG_PPC64 without it."""
    if fact.nest is None:
        return True
    if any(n in ctx.set_outside_kconfig for n in c.symbols(fact.nest)):
        return False
    macros = (a.removeprefix("defined(").removesuffix(")").strip() for a in c.atoms(fact.nest))
    values = (effective.macro_value(m, ctx.arch) for m in macros)
    return all(v is None or isinstance(v, c.Const) for v in values)


def _dead_where_reached(ctx: ArchContext, fact: Fact) -> bool:
    """A guard in code that other arches' builds compile too (arm64 builds
    arch/arm/xen, um arch/x86) is dead only if its ``#if`` nest is impossible for each
    of them as well (their build of the file is assumed: never a reason for "dead")."""
    if fact.nest is None:
        return True
    for other in reachers(ctx.tree, fact.file):
        there = ctx.other(other)
        if possible(there, there.guard_condition(fact.nest)):
            return False
    return True


def _impossible(ctx: ArchContext, rule: Rule, fact: Fact) -> Finding:
    return replace(_finding(ctx, rule, fact, None, []), blocker=blocker(ctx, fact))


def blocker(ctx: ArchContext, fact: Fact) -> str:
    """Why ``fact`` can never be in effect, in Kconfig's terms: the symbols its line
    names that the arch does not define (tested for being on), cannot enable (tested
    for being on) or cannot disable (tested for being off). A guard's name that
    nothing sets is no reason: it is left open, as the verdict left it."""
    named = _named(fact)
    if fact.kind == "guard":
        fact = ctx.opened(fact)
        named = {n: signs for n, signs in named.items() if not ctx.defined_nowhere(n)}
    around = fact.outer if fact.outer is not None else c.TRUE
    reasons = []
    if fact.kind in ("select", "imply") and not ctx.formula.defines(fact.name):
        reasons.append(f"{fact.name} is not defined for {ctx.arch}")
    for name, signs in named.items():
        if not ctx.formula.defines(name):
            if True in signs:
                reasons.append(f"{name} is not defined for {ctx.arch}")
        elif True in signs and not possible(ctx, c.and_(around, c.Sym(name))):
            dep = _depends(ctx, name)
            reasons.append(f"{name} can never be enabled" + (f" ({dep})" if dep else ""))
        elif False in signs and not possible(ctx, c.and_(around, c.not_(c.Sym(name)))):
            reasons.append(f"{name} is always enabled")
    if reasons:
        return "; ".join(reasons)
    deps = [d for n in named if ctx.formula.defines(n) and (d := _depends(ctx, n))]
    return "its conditions exclude each other" + (f" ({'; '.join(deps)})" if deps else "")


def _named(fact: Fact) -> dict[str, set[bool]]:
    """The Kconfig symbols a site's own line tests, each with whether it is tested
    for being on (True), off (False) or both: ``CONFIG_X`` in C, the ``if`` of a
    select."""
    raw: c.Cond | None
    if fact.kind == "guard":
        raw = directive_cond(fact.context)
    else:
        when = fact.context.split(" if ", 1)[1] if " if " in fact.context else "y"
        try:
            raw = c.and_(fact.outer or c.TRUE, c.parse(when))
        except c.CondSyntaxError:
            raw = None
    if raw is None:  # unreadable: every name it mentions, either way
        return {n: {True, False} for n in _CONFIG.findall(fact.context)}
    out: dict[str, set[bool]] = {}
    _signs(raw, True, out)
    return out


def _signs(cond: c.Cond, positive: bool, out: dict[str, set[bool]]) -> None:
    if isinstance(cond, c.Sym):
        out.setdefault(cond.name, set()).add(positive)
    elif isinstance(cond, c.Not):
        _signs(cond.arg, not positive, out)
    elif isinstance(cond, c.And | c.Or):
        for arg in cond.args:
            _signs(arg, positive, out)


def _depends(ctx: ArchContext, name: str) -> str:
    sym = ctx.kconf.syms[name]
    dep = _PROBE.sub(lambda m: ctx.formula.probe_label(m[0]) or m[0], kl.expr_str(sym.direct_dep))
    return f"{name} depends on {dep}" if dep not in ("y", "") else ""


_PROBE = re.compile(re.escape(PROBE_PREFIX) + r"\w+")


def _relevant(
    ctx: ArchContext, held: c.Cond, model: sat.Model, shown: list[str], incidental: list[str]
) -> list[str]:
    """The shown symbols whose value matters: drop each one that could be flipped, the
    others kept, with the counterexample still holding (in the order of ``shown``);
    then each ``incidental`` one (of another fact's condition, not named by the rule or
    the site) whose value the others left force: PPC_BOOK3S_64=n beside PPC64=n says
    nothing more. Keeps counterexamples small."""
    keep = [
        s
        for s in dict.fromkeys(shown)
        if not s.startswith((USER_PREFIX, "<")) and ctx.formula.defines(s)
    ]
    for name in list(keep):
        fixed = [_literal(s, model.symbols.get(s, False)) for s in keep if s != name]
        flipped = _literal(name, not model.symbols.get(name, False))
        if solve(ctx, c.and_(held, flipped, *fixed)) is not None:
            keep.remove(name)
    for name in [s for s in keep if s in incidental]:
        fixed = [_literal(s, model.symbols.get(s, False)) for s in keep if s != name]
        if solve(ctx, c.and_(_literal(name, not model.symbols.get(name, False)), *fixed)) is None:
            keep.remove(name)  # the others decide it: says nothing more
    return keep


def _literal(name: str, value: bool) -> c.Cond:
    return c.Sym(name) if value else c.not_(c.Sym(name))


def possible(ctx: ArchContext, query: c.Cond) -> bool:
    """Whether some configuration the arch allows, with some toolchain, satisfies
    ``query`` (no model is decoded: the question of ``possible:`` checks)."""
    if query not in ctx.possible:  # sites of one file often share a condition
        exact = ctx.exact(query)
        ctx.formula.add_cone(c.symbols(exact))
        ctx.possible[query] = ctx.solver.satisfiable(ctx.formula.constraints, exact)
    return ctx.possible[query]


def solve(ctx: ArchContext, query: c.Cond, any_toolchain: bool = False) -> sat.Model | None:
    """A configuration the arch allows in which ``query`` holds, or None: with the
    model toolchain's answers to Kconfig's probes, or (``any_toolchain``) with any."""
    query = ctx.exact(query)
    ctx.formula.add_cone(c.symbols(query))
    if not any_toolchain:
        query = c.and_(query, MODEL)
    return ctx.solver.solve(ctx.formula.constraints, query)


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
    undecided: tuple[tuple[str, bool], ...] = ()
    if model and at:
        undecided = tuple((a, model.atoms.get(a, False)) for a in sorted(c.atoms(at.cond)))
    return Finding(
        rule=rule.id,
        arch=ctx.arch,
        severity=rule.severity,
        file=file,
        line=line,
        template=rule.message,
        counterexample=counterexample(ctx.arch, model, shown) if model else {},
        condition=at.cond if at else None,
        undecided=undecided,
        name=at.name if at else "",
        kind=at.kind if at else "",
        context=at.context if at else "",
    )
