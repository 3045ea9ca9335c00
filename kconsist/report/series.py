"""A :class:`SeriesResult` as text, JSON, or the JSON of b4 review's
``review-series-check-cmd``."""

from __future__ import annotations

import json

from kconsist.findings import SeriesResult
from kconsist.report.audit import finding_dict
from kconsist.report.b4 import b4_line
from kconsist.report.message import line
from kconsist.report.registry import JSON_VERSION, register


@register(SeriesResult, "text")
def as_text(result: SeriesResult) -> str:
    lines = []
    for s in result.steps:
        checked = ", ".join(s.arches) or "no arch"
        lines.append(f"[{result.label(s)}] {s.subject} (checked: {checked})")
        for f in s.introduced:
            later = result.fixed_by(s, f)
            fixed = f" (fixed by {result.label(later)})" if later else ""
            lines.append(f"  introduces: {line(f)}{fixed}")
        lines += [f"  fixes: {line(f)}" for f in s.fixed]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def summary(result: SeriesResult) -> str:
    n = len(result.steps)
    if result.bisectable:
        return f"kconsist: bisectable: none of the {n} patches introduces a finding"
    parts = []
    for s in result.steps:
        if s.introduced:
            count = len(s.introduced)
            parts.append(f"{result.label(s)} introduces {count} finding{'s' if count != 1 else ''}")
    return "kconsist: not bisectable: " + ", ".join(parts)


@register(SeriesResult, "json")
def as_json(result: SeriesResult) -> str:
    data = {
        "version": JSON_VERSION,
        "bisectable": result.bisectable,
        "patches": [
            {
                "index": s.index,
                "subject": s.subject,
                "arches": s.arches,
                "introduces": [finding_dict(f) for f in s.introduced],
                "fixes": [finding_dict(f) for f in s.fixed],
            }
            for s in result.steps
        ],
    }
    return json.dumps(data, indent=2) + "\n"


@register(SeriesResult, "b4-review")
def as_b4_review(result: SeriesResult) -> str:
    """b4 review's contract: a JSON list of ``{tool, status: pass|warn|fail, summary,
    details}``; details is a JSON list of ``{status, description}`` that b4's TUI shows
    one per line."""
    details = []
    for s in result.steps:
        for f in s.introduced:
            later = result.fixed_by(s, f)
            fixed = f" (fixed by {result.label(later)})" if later else ""
            status = "fail" if f.severity == "error" else "warn"
            text = f"{result.label(s)} introduces {b4_line(f)}{fixed}"
            details.append({"status": status, "description": text})
        for f in s.fixed:
            text = f"{result.label(s)} fixes {b4_line(f)}"
            details.append({"status": "pass", "description": text})
    statuses = {d["status"] for d in details}
    status = "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"
    entry = {
        "tool": "kconsist",
        "status": status,
        "summary": summary(result).removeprefix("kconsist: "),
        "details": json.dumps(details),
    }
    return json.dumps([entry], indent=2) + "\n"
