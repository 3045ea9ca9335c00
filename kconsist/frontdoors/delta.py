"""What a change does to the findings: the ones it introduces and the ones it fixes.

Findings are matched by their identity (:func:`kconsist.findings.identity`), never by
their message or line number, so that a finding that only moves (lines added above it)
is neither introduced nor fixed. Input errors (a file the change makes unreadable)
count as error findings of the pseudo-rule ``input-error``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from kconsist import engine
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
    old, new = {identity(f) for f in before}, {identity(f) for f in after}
    return Delta(
        introduced=[f for f in after if identity(f) not in old],
        fixed=[f for f in before if identity(f) not in new],
    )


def introduced(before: AuditResult, after: AuditResult) -> AuditResult:
    """``after`` with only the findings and input errors absent from ``before`` (as
    :func:`compare` decides), keeping its arches, rules and skipped rules so that it
    can be reported like any audit."""
    new = {identity(f) for f in compare(problems(before), problems(after)).introduced}
    return replace(
        after,
        findings=[f for f in after.findings if identity(f) in new],
        errors=[e for e in after.errors if identity(e.as_finding()) in new],
    )


class Auditor:
    """Audits trees arch by arch, remembering the problems of each (tree state, arch):
    a series audits each state twice (after one patch, before the next)."""

    MAX_ENTRIES = 256  # states x arches; a series of 100 patches on 2 arches fits

    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self._memo: OrderedDict[tuple[tuple[str, str], str], list[Finding]] = OrderedDict()

    def problems(self, tree: KernelTree, arches: Sequence[str]) -> list[Finding]:
        out: list[Finding] = []
        state = tree.state_key()
        for arch in arches:
            key = (state, arch)
            if key in self._memo:
                self._memo.move_to_end(key)
            else:
                self._memo[key] = problems(engine.audit(tree, self.rules, [arch]))
                if len(self._memo) > self.MAX_ENTRIES:
                    self._memo.popitem(last=False)
            out += self._memo[key]
        return sorted(out, key=Finding.sort_key)
