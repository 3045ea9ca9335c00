"""b4's per-patch check contract: one line per finding on stdout, a line containing
``ERROR:`` is a failure, any other line a warning; nothing at all when clean."""

from __future__ import annotations

from collections.abc import Sequence

from kconsist.findings import Finding
from kconsist.report.message import line

LEVELS = {"error": "ERROR", "warning": "WARNING", "info": "CHECK"}


def b4_line(f: Finding) -> str:
    return line(f, LEVELS.get(f.severity, "WARNING"))


def b4_lines(found: Sequence[Finding]) -> str:
    return "".join(b4_line(f) + "\n" for f in found)
