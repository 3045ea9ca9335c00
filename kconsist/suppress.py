"""Inline suppressions: ``kconsist-ignore: RULE-ID reason`` in a comment on a
finding's line, or in the comment lines right above it (C ``/* */`` or ``//``,
Kconfig and Makefile ``#``).

A suppressed finding is not a finding (exit codes, deltas, text output), but it is
kept, with its reason, in JSON and SARIF, so that what a tree silences stays visible.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kconsist.findings import Finding
from kconsist.tree import KernelTree, TreeError

_MARKER = re.compile(r"(?:#|//|/\*|^\s*\*)\s*kconsist-ignore:\s*([a-z0-9][a-z0-9-]*)(.*)$")
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|/\*|\*)")
_ABOVE = 8  # comment lines above a site that may hold its suppression


def split(tree: KernelTree, findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """``findings`` as (kept, suppressed); each suppressed one carries its reason."""
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    lines: dict[str, list[str]] = {}
    for f in findings:
        if f.file not in lines:
            lines[f.file] = _lines(tree, f.file)
        reason = suppression(lines[f.file], f.line, f.rule)
        if reason is None:
            kept.append(f)
        else:
            suppressed.append(replace(f, suppressed=reason))
    return kept, suppressed


def suppression(lines: list[str], line: int, rule: str) -> str | None:
    """The reason given for ignoring ``rule`` at ``line`` (1-based), or None."""
    candidates = [line]
    n = line - 1
    while n >= 1 and line - n <= _ABOVE and _COMMENT_LINE.match(lines[n - 1]):
        candidates.append(n)
        n -= 1
    for n in candidates:
        if 1 <= n <= len(lines) and (m := _MARKER.search(lines[n - 1])) and m.group(1) == rule:
            return m.group(2).strip().removesuffix("*/").strip()
    return None


def _lines(tree: KernelTree, rel: str) -> list[str]:
    try:
        return tree.read_text(rel).splitlines()
    except TreeError:
        return []  # an unreadable file is reported by whoever read it for facts
