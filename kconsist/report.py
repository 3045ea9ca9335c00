"""Reporters: an :class:`AuditResult` as text, JSON, SARIF or checkpatch-style lines.

The JSON form is a stable interface (documented in README.md); add keys, never rename.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict

from kconsist import __version__
from kconsist.findings import AuditResult, Finding

JSON_VERSION = 1


def text(result: AuditResult) -> str:
    lines = [f"{f.file}:{f.line}: {f.severity}: [{f.rule}] {f.message}" for f in result.findings]
    for e in result.errors:
        where = f"{e.file}:{e.line}" if e.line else e.file
        arch = f" (arch {e.arch})" if e.arch else ""
        lines.append(f"{where}: input error: {e.message}{arch}")
    for s in result.skipped:
        arches = _arches(s.arches)
        lines.append(f"note: [{s.rule}] skipped{arches}: {s.reason}")
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _arches(arches: tuple[str, ...]) -> str:
    if not arches:
        return ""
    if len(arches) > 4:
        return f" on {len(arches)} arches"
    return " on " + ", ".join(arches)


def summary(result: AuditResult) -> str:
    counts = {sev: sum(f.severity == sev for f in result.findings) for sev in ("error", "warning")}
    parts = [
        f"{len(result.findings)} finding{'s' if len(result.findings) != 1 else ''}"
        f" ({counts['error']} errors, {counts['warning']} warnings)",
        f"{len(result.errors)} input error{'s' if len(result.errors) != 1 else ''}",
        f"{len(result.skipped)} rule{'s' if len(result.skipped) != 1 else ''} skipped",
        f"{len(result.rules)} rules on {len(result.arches)} arches",
    ]
    return "kconsist: " + ", ".join(parts)


def as_json(result: AuditResult) -> str:
    data = {
        "version": JSON_VERSION,
        "findings": [finding_dict(f) for f in result.findings],
        "errors": [asdict(e) for e in result.errors],
        "skipped": [
            {"rule": s.rule, "reason": s.reason, "arches": list(s.arches)} for s in result.skipped
        ],
        "arches": result.arches,
        "rules": result.rules,
    }
    return json.dumps(data, indent=2) + "\n"


def finding_dict(f: Finding) -> dict[str, object]:
    """A finding as the JSON formats show it (audit, series)."""
    d = asdict(f)
    d["undecided"] = list(f.undecided)
    return d


def checkpatch(result: AuditResult) -> str:
    """checkpatch.pl's shape: ``ERROR: KCONSIST_<RULE>: message`` then ``#: FILE:LINE:``."""
    out = []
    for f in result.findings:
        level = {"error": "ERROR", "warning": "WARNING"}.get(f.severity, "CHECK")
        tag = "KCONSIST_" + f.rule.upper().replace("-", "_")
        out.append(f"{level}: {tag}: {f.message}\n#: FILE: {f.file}:{f.line}:\n")
    for e in result.errors:
        out.append(f"ERROR: KCONSIST_INPUT: {e.message}\n#: FILE: {e.file}:{e.line or 1}:\n")
    errors = sum(f.severity == "error" for f in result.findings) + len(result.errors)
    warnings = sum(f.severity == "warning" for f in result.findings)
    out.append(f"total: {errors} errors, {warnings} warnings\n")
    return "\n".join(out)


def sarif(result: AuditResult) -> str:
    rules = sorted({f.rule for f in result.findings} | set(result.rules))
    level = {"error": "error", "warning": "warning", "info": "note"}
    run = {
        "tool": {
            "driver": {
                "name": "kconsist",
                "version": __version__,
                "informationUri": "https://kconsist.invalid/",
                "rules": [{"id": r, "name": r} for r in rules],
            }
        },
        "results": [
            {
                "ruleId": f.rule,
                "level": level.get(f.severity, "warning"),
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": f.file, "uriBaseId": "SRCROOT"},
                            "region": {"startLine": f.line},
                        }
                    }
                ],
                "properties": {"arch": f.arch, "counterexample": f.counterexample},
            }
            for f in result.findings
        ],
        "invocations": [
            {
                "executionSuccessful": not result.errors,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": f"{e.file}: {e.message}"}}
                    for e in result.errors
                ],
            }
        ],
    }
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json.dumps(doc, indent=2) + "\n"


FORMATS: dict[str, Callable[[AuditResult], str]] = {
    "text": text,
    "json": as_json,
    "sarif": sarif,
    "checkpatch": checkpatch,
}
