"""What a change does to the findings: the ones it introduces and the ones it fixes.

Findings are matched without their line numbers, so that a finding that only moves
(lines added above it) is neither introduced nor fixed. Input errors (a file the
change makes unreadable) count as error findings of the pseudo-rule ``input-error``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from kconsist import engine
from kconsist.findings import AuditResult, Finding, InputError
from kconsist.rulelang import Rule
from kconsist.tree import KernelTree

INPUT_ERROR = "input-error"
_LINE_NUMBER = re.compile(r"(?<=\S):\d+\b")


@dataclass
class Delta:
    introduced: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)


def problems(result: AuditResult) -> list[Finding]:
    """Findings and input errors of an audit, as findings."""
    errors = [as_finding(e) for e in result.errors]
    return sorted([*result.findings, *errors], key=Finding.sort_key)


def as_finding(e: InputError) -> Finding:
    return Finding(INPUT_ERROR, e.arch or "", "error", e.file, e.line or 1, e.message)


def key(f: Finding) -> tuple[str, str, str, str, str]:
    return (f.rule, f.arch, f.severity, f.file, _LINE_NUMBER.sub(":#", f.message))


def compare(before: Sequence[Finding], after: Sequence[Finding]) -> Delta:
    old, new = {key(f) for f in before}, {key(f) for f in after}
    return Delta(
        introduced=[f for f in after if key(f) not in old],
        fixed=[f for f in before if key(f) not in new],
    )


def introduced(before: AuditResult, after: AuditResult) -> AuditResult:
    """``after`` with only the findings and input errors absent from ``before`` (as
    :func:`compare` decides), keeping its arches, rules and skipped rules so that it
    can be reported like any audit."""
    new = {key(f) for f in compare(problems(before), problems(after)).introduced}
    return replace(
        after,
        findings=[f for f in after.findings if key(f) in new],
        errors=[e for e in after.errors if key(as_finding(e)) in new],
    )


class Auditor:
    """Audits trees arch by arch, remembering results (one tree state, one arch)."""

    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self._memo: dict[tuple[int, str], list[Finding]] = {}

    def problems(self, tree: KernelTree, arches: Sequence[str], state: int = 0) -> list[Finding]:
        out: list[Finding] = []
        for arch in arches:
            if (state, arch) not in self._memo:
                self._memo[state, arch] = problems(engine.audit(tree, self.rules, [arch]))
            out += self._memo[state, arch]
        return sorted(out, key=Finding.sort_key)
