"""What the engine produces, as plain data: facts, findings, input errors, skipped
rules, audit and series results, explanations.

Nothing here is text for people: the rule's message is kept as its template and every
rendering (text, JSON, SARIF, checkpatch, b4 lines, series, explain) is done by
:mod:`kconsist.report`, which imports only this module and :mod:`kconsist.cond`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kconsist import cond as c
from kconsist import exitcodes

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
INPUT_ERROR = "input-error"  # the pseudo-rule of an input error in a delta
_LINE_NUMBER = re.compile(r"(?<=\S):\d+\b")


@dataclass(frozen=True)
class Fact:
    """One place in the tree a rule's fact matched."""

    kind: str  # function, prototype, macro, select, symbol
    name: str
    file: str
    line: int
    cond: c.Cond  # when it is compiled / in effect
    context: str = ""  # the line's text, whitespace collapsed: part of a finding's identity
    outer: c.Cond | None = None  # guard facts: the condition around the #if line
    nest: c.Cond | None = None  # guard facts: the branch's own #if nest, as written
    nest_outer: c.Cond | None = None  # guard facts: the #if nest around the line, as written
    # guard facts: the branch holds only #error/#warning lines, an assertion (a dead one
    # holds, a live one stops the build): never dead code
    asserts: bool = False

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Finding:
    """A rule that fails on one arch, at one place, with the configuration that shows it."""

    rule: str
    arch: str
    severity: str
    file: str  # relative to the tree
    line: int
    template: str  # the rule's message, placeholders not yet filled
    counterexample: dict[str, str] = field(default_factory=dict)  # {"ARCH": "sparc64", ...}
    condition: c.Cond | None = None  # effective condition of the site; None: no site
    undecided: tuple[tuple[str, bool], ...] = ()  # untranslatable conditions, as assumed
    name: str = ""  # of the site
    kind: str = ""  # of the site
    context: str = ""  # the site's line, whitespace collapsed
    blocker: str = ""  # possible: what makes the site's condition unsatisfiable
    suppressed: str | None = None  # the reason of a kconsist-ignore comment at the site

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line, self.rule, self.arch)

    def identity(self) -> tuple[str, ...]:
        """What stays the same when the finding only moves (lines added above it):
        how deltas (pre-commit, check-patch, series) match findings. Two sites that
        share it are told apart by count (see :mod:`kconsist.frontdoors.delta`)."""
        return (self.rule, self.arch, self.file, self.name, self.kind, self.context)


@dataclass(frozen=True)
class InputError:
    """A file of the tree (or of the rules) that could not be read."""

    file: str
    line: int | None
    message: str
    arch: str | None = None

    def as_finding(self) -> Finding:
        """The error as an error finding of the pseudo-rule ``input-error`` (deltas)."""
        template = self.message.replace("{", "{{").replace("}", "}}")
        return Finding(INPUT_ERROR, self.arch or "", "error", self.file, self.line or 1, template)


def identity(f: Finding) -> tuple[str, ...]:
    """:meth:`Finding.identity`; input errors by their message, line numbers left out."""
    if f.rule == INPUT_ERROR:
        return (f.rule, f.arch, f.file, _LINE_NUMBER.sub(":#", f.template))
    return f.identity()


@dataclass(frozen=True)
class Skipped:
    """A rule not checked on some arches, or (``rule`` None) an arch not checked at all."""

    rule: str | None
    reason: str
    arches: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleInfo:
    """What reports say about a rule beside its findings (SARIF's rule metadata)."""

    id: str
    severity: str
    description: str
    file: str
    line: int


@dataclass(frozen=True)
class Candidate:
    """A pair (fn, symbol) that ``kconsist discover`` derived from a guarded generic
    fallback: where it is, and the arches that define ``fn`` / opt in with ``symbol``."""

    fn: str
    symbol: str
    kind: str  # "config" (CONFIG_ symbol), "flag" (__HAVE_ARCH_ macro), "name" (#ifndef fn)
    file: str
    line: int
    override: tuple[str, ...]
    opt_in: tuple[str, ...]


@dataclass
class Discovery:
    """What ``kconsist discover`` found in a tree: the candidate pairs, by kind."""

    tree: str
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    arches: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)  # by kconsist-ignore comments
    baselined: int = 0  # findings a baseline file accounted for, left out of ``findings``
    rule_info: list[RuleInfo] = field(default_factory=list)

    @property
    def skipped_rules(self) -> list[Skipped]:
        return [s for s in self.skipped if s.rule is not None]

    @property
    def skipped_arches(self) -> list[Skipped]:
        return [s for s in self.skipped if s.rule is None]

    def exit_code(self) -> int:
        """2 when the tree could not be fully read, 1 with findings, else 0."""
        if self.errors:
            return exitcodes.ERROR
        return exitcodes.FINDINGS if self.findings else exitcodes.CLEAN


# -- series ------------------------------------------------------------------------


@dataclass
class Step:
    """One patch of a series and what it changes."""

    index: int  # 1-based
    subject: str
    arches: list[str]
    introduced: list[Finding]
    fixed: list[Finding]


@dataclass
class SeriesResult:
    steps: list[Step]

    @property
    def bisectable(self) -> bool:
        return not any(s.introduced for s in self.steps)

    def label(self, step: Step) -> str:
        return f"{step.index}/{len(self.steps)}"

    def fixed_by(self, step: Step, f: Finding) -> Step | None:
        """The first later patch that fixes a finding ``step`` introduced."""
        k = identity(f)
        later = self.steps[step.index :]
        return next((s for s in later if k in {identity(x) for x in s.fixed}), None)


# -- explanations ------------------------------------------------------------------


@dataclass(frozen=True)
class SymbolInfo:
    """A Kconfig symbol as explain shows it: its definitions and the selects of it."""

    name: str
    definitions: list[Fact]
    selects: list[Fact]


@dataclass
class RuleExplanation:
    """Both sides of one rule on one arch, and the verdict."""

    arch: str
    rule: str
    severity: str
    check: str  # "never", "forbid" or "possible"
    subject: c.Cond | str  # the condition of never, the fact name of forbid
    facts: dict[str, list[Fact]] = field(default_factory=dict)
    symbols: list[SymbolInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: str = ""  # why the rule was not checked ("" when it was)
