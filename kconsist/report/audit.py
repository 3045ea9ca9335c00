"""An :class:`AuditResult` as text, JSON, SARIF or checkpatch-style lines."""

from __future__ import annotations

import json

from kconsist import __version__
from kconsist.findings import AuditResult, Finding
from kconsist.report.message import condition_text, line, message, undecided_texts
from kconsist.report.registry import JSON_VERSION, register


@register(AuditResult, "text")
def text(result: AuditResult) -> str:
    lines = [line(f) for f in result.findings]
    for e in result.errors:
        where = f"{e.file}:{e.line}" if e.line else e.file
        arch = f" (arch {e.arch})" if e.arch else ""
        lines.append(f"{where}: input error: {e.message}{arch}")
    for s in result.skipped:
        lines.append(f"note: [{s.rule}] skipped{_arches(s.arches)}: {s.reason}")
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _arches(arches: tuple[str, ...]) -> str:
    if not arches:
        return ""
    if len(arches) > 4:
        return f" on {len(arches)} arches"
    return " on " + ", ".join(arches)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def summary(result: AuditResult) -> str:
    counts = {sev: sum(f.severity == sev for f in result.findings) for sev in ("error", "warning")}
    parts = [
        f"{_plural(len(result.findings), 'finding')}"
        f" ({counts['error']} errors, {counts['warning']} warnings)",
        _plural(len(result.errors), "input error"),
        f"{_plural(len(result.skipped), 'rule')} skipped",
        f"{len(result.rules)} rules on {len(result.arches)} arches",
    ]
    return "kconsist: " + ", ".join(parts)


@register(AuditResult, "json")
def as_json(result: AuditResult) -> str:
    data = {
        "version": JSON_VERSION,
        "findings": [finding_dict(f) for f in result.findings],
        "errors": [
            {"file": e.file, "line": e.line, "message": e.message, "arch": e.arch}
            for e in result.errors
        ],
        "skipped": [
            {"rule": s.rule, "reason": s.reason, "arches": list(s.arches)} for s in result.skipped
        ],
        "arches": result.arches,
        "rules": result.rules,
    }
    return json.dumps(data, indent=2) + "\n"


def finding_dict(f: Finding) -> dict[str, object]:
    """A finding as every JSON form shows it (audit, series)."""
    return {
        "rule": f.rule,
        "arch": f.arch,
        "severity": f.severity,
        "file": f.file,
        "line": f.line,
        "message": message(f),
        "counterexample": f.counterexample,
        "condition": condition_text(f),
        "undecided": undecided_texts(f),
        "name": f.name,
        "kind": f.kind,
        "context": f.context,
        "blocker": f.blocker,
    }


@register(AuditResult, "checkpatch")
def checkpatch(result: AuditResult) -> str:
    """checkpatch.pl's shape: ``ERROR: KCONSIST_<RULE>: message`` then ``#: FILE:LINE:``."""
    out = []
    for f in result.findings:
        level = {"error": "ERROR", "warning": "WARNING"}.get(f.severity, "CHECK")
        tag = "KCONSIST_" + f.rule.upper().replace("-", "_")
        out.append(f"{level}: {tag}: {message(f)}\n#: FILE: {f.file}:{f.line}:\n")
    for e in result.errors:
        out.append(f"ERROR: KCONSIST_INPUT: {e.message}\n#: FILE: {e.file}:{e.line or 1}:\n")
    errors = sum(f.severity == "error" for f in result.findings) + len(result.errors)
    warnings = sum(f.severity == "warning" for f in result.findings)
    out.append(f"total: {errors} errors, {warnings} warnings\n")
    return "\n".join(out)


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


@register(AuditResult, "sarif")
def sarif(result: AuditResult) -> str:
    rules = sorted({f.rule for f in result.findings} | set(result.rules))
    run = {
        "tool": {
            "driver": {
                "name": "kconsist",
                "version": __version__,
                "informationUri": "https://kconsist.invalid/",
                "rules": [{"id": r, "name": r} for r in rules],
            }
        },
        "results": [_sarif_result(f) for f in result.findings],
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


def _sarif_result(f: Finding) -> dict[str, object]:
    return {
        "ruleId": f.rule,
        "level": _SARIF_LEVEL.get(f.severity, "warning"),
        "message": {"text": message(f)},
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
