"""What a change does to the findings: the ones it introduces and the ones it fixes.

Findings are matched by their identity (:func:`kconsist.findings.identity`), never by
their message or line number, so that a finding that only moves (lines added above it)
is neither introduced nor fixed. Identities are counted, not just compared: a second
violating site with the same identity as a first (an identical line in the same file)
is introduced. Input errors (a file the change makes unreadable)
count as error findings of the pseudo-rule ``input-error``.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from kconsist import kept
from kconsist.findings import AuditResult, Finding, identity
from kconsist.rulelang import Rule
from kconsist.tree import KernelTree


@dataclass
class Delta:
    introduced: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)


def problems(result: AuditResult) -> list[Finding]:
    """Findings and input errors of an audit, as findings."""
    errors = [e.as_finding() for e in result.errors]
    return sorted([*result.findings, *errors], key=Finding.sort_key)


def compare(before: Sequence[Finding], after: Sequence[Finding]) -> Delta:
    return Delta(introduced=_beyond(after, before), fixed=_beyond(before, after))


def _beyond(these: Sequence[Finding], others: Sequence[Finding]) -> list[Finding]:
    """The findings of ``these`` that ``others`` has no (further) finding of the same
    identity for; of equal ones, the later in file order are the extra ones."""
    budget = Counter(identity(f) for f in others)
    out = []
    for f in these:
        key = identity(f)
        if budget[key] > 0:
            budget[key] -= 1
        else:
            out.append(f)
    return out


def introduced(before: AuditResult, after: AuditResult) -> AuditResult:
    """``after`` with only the findings and input errors absent from ``before`` (as
    :func:`compare` decides), keeping its arches, rules and skipped rules so that it
    can be reported like any audit."""
    new = Counter(identity(f) for f in compare(problems(before), problems(after)).introduced)
    findings = [f for f in reversed(after.findings) if _take(new, identity(f))]
    errors = [e for e in reversed(after.errors) if _take(new, identity(e.as_finding()))]
    return replace(after, findings=findings[::-1], errors=errors[::-1])


def _take(counts: Counter[tuple[str, ...]], key: tuple[str, ...]) -> bool:
    if counts[key] <= 0:
        return False
    counts[key] -= 1
    return True


class Auditor:
    """Audits trees arch by arch, remembering the problems of each (tree state, arch):
    a series audits each state twice (after one patch, before the next). The arches
    not yet known are audited together, ``jobs`` at a time."""

    MAX_ENTRIES = 256  # states x arches; a series of 100 patches on 2 arches fits

    def __init__(self, rules: list[Rule], jobs: int = 1):
        self.rules = rules
        self.jobs = jobs
        self._memo: OrderedDict[tuple[tuple[str, str], str], list[Finding]] = OrderedDict()

    def problems(
        self, tree: KernelTree, arches: Sequence[str], base: KernelTree | None = None
    ) -> list[Finding]:
        """The problems of ``tree`` on ``arches``; ``base``: an earlier state whose
        verdicts may carry over (:func:`kconsist.engine.audit`)."""
        state = tree.state_key()
        missing = [a for a in arches if (state, a) not in self._memo]
        found = kept.cached(tree, self.rules, missing, base)
        rest = [a for a in missing if a not in found]
        if rest:  # something to work out: only now the engine is loaded
            from kconsist import engine

            outcomes = engine.outcomes(tree, self.rules, rest, jobs=self.jobs, base=base)
            found.update((o.arch, o) for o in outcomes)
        for arch in missing:
            self._memo[(state, arch)] = problems(kept.merge(self.rules, [found[arch]]))
        out: list[Finding] = []
        for arch in arches:
            self._memo.move_to_end((state, arch))
            out += self._memo[(state, arch)]
        while len(self._memo) > max(self.MAX_ENTRIES, len(arches)):
            self._memo.popitem(last=False)
        return sorted(out, key=Finding.sort_key)
