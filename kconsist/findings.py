"""What an audit produces: findings, input errors and skipped rules (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    arch: str
    severity: str
    file: str  # relative to the tree
    line: int
    message: str
    counterexample: dict[str, str] = field(
        default_factory=dict
    )  # e.g. {"ARCH": "sparc64", "SMP": "y"}
    condition: str = ""  # effective condition of the fact the finding points at
    undecided: tuple[str, ...] = ()  # conditions kconsist could not translate, assumed as shown

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line, self.rule, self.arch)


@dataclass(frozen=True)
class InputError:
    """A file of the tree (or of the rules) that could not be read."""

    file: str
    line: int | None
    message: str
    arch: str | None = None


@dataclass(frozen=True)
class Skipped:
    rule: str
    reason: str
    arches: tuple[str, ...] = ()


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    arches: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)

    def exit_code(self) -> int:
        """2 when the tree could not be fully read, 1 with findings, else 0."""
        if self.errors:
            return 2
        return 1 if self.findings else 0
