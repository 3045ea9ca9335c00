"""An :class:`AuditResult` as text, JSON, SARIF or checkpatch-style lines."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kconsist import __version__
from kconsist.findings import AuditResult, Finding, RuleInfo
from kconsist.report.message import condition_text, line, message, one_line, undecided_texts
from kconsist.report.registry import JSON_VERSION, register


@register(AuditResult, "text")
def text(result: AuditResult) -> str:
    lines = [line(f) for f in result.findings]
    for e in result.errors:
        where = f"{e.file}:{e.line}" if e.line else e.file
        arch = f" (arch {e.arch})" if e.arch else ""
        lines.append(one_line(f"{where}: input error: {e.message}{arch}"))
    lines += _skipped_notes(result)
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


_NOTES = 3  # more skipped rules than this: one line (JSON lists every one)


def _skipped_notes(result: AuditResult) -> list[str]:
    # An arch not checked at all is always named: it is never one among many.
    notes = [f"note: arch {s.arches[0]} skipped: {s.reason}" for s in result.skipped_arches]
    rules = result.skipped_rules
    if len(rules) <= _NOTES:
        return notes + [f"note: [{s.rule}] skipped{_arches(s.arches)}: {s.reason}" for s in rules]
    return [
        *notes,
        f"note: {len(rules)} rules skipped, e.g. [{rules[0].rule}]: "
        f"{rules[0].reason} (--format json lists them all)",
    ]


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
        f"{_plural(len(result.skipped_rules), 'rule')} skipped",
        f"{len(result.rules)} rules on {len(result.arches)} arches",
    ]
    if result.skipped_arches:
        n = len(result.skipped_arches)
        parts.insert(-1, f"{n} arch{'es' if n != 1 else ''} skipped")
    if result.suppressed:
        parts.insert(1, f"{len(result.suppressed)} suppressed")
    if result.baselined:
        parts.insert(1, f"{result.baselined} in the baseline")
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
        "suppressed": [finding_dict(f) for f in result.suppressed],
        "baselined": result.baselined,
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
        **({"reason": f.suppressed} if f.suppressed is not None else {}),
    }


@register(AuditResult, "checkpatch")
def checkpatch(result: AuditResult) -> str:
    """checkpatch.pl's shape: ``ERROR: KCONSIST_<RULE>: message`` then ``#: FILE:LINE:``."""
    out = []
    for f in result.findings:
        level = {"error": "ERROR", "warning": "WARNING"}.get(f.severity, "CHECK")
        tag = "KCONSIST_" + f.rule.upper().replace("-", "_")
        out.append(_pair(f"{level}: {tag}: {message(f)}", f"{f.file}:{f.line}"))
    for e in result.errors:
        out.append(_pair(f"ERROR: KCONSIST_INPUT: {e.message}", f"{e.file}:{e.line or 1}"))
    errors = sum(f.severity == "error" for f in result.findings) + len(result.errors)
    warnings = sum(f.severity == "warning" for f in result.findings)
    out.append(f"total: {errors} errors, {warnings} warnings\n")
    return "\n".join(out)


def _pair(head: str, where: str) -> str:
    return f"{one_line(head)}\n#: FILE: {one_line(where)}:\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


@register(AuditResult, "sarif")
def sarif(result: AuditResult) -> str:
    info = {r.id: r for r in result.rule_info}
    ids = sorted({f.rule for f in [*result.findings, *result.suppressed]} | set(result.rules))
    run = {
        "tool": {
            "driver": {
                "name": "kconsist",
                "version": __version__,
                "informationUri": "https://kconsist.invalid/",
                "rules": [_sarif_rule(r, info.get(r)) for r in ids],
            }
        },
        "results": [_sarif_result(f) for f in [*result.findings, *result.suppressed]],
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


def _sarif_rule(rule_id: str, info: RuleInfo | None) -> dict[str, object]:
    out: dict[str, object] = {"id": rule_id, "name": rule_id}
    if info is None:
        return out
    text = " ".join(info.description.split()) or rule_id
    out["shortDescription"] = {"text": text.split(". ")[0].rstrip(".") + "."}
    out["fullDescription"] = {"text": text}
    out["help"] = {"text": f"{text} (rule file {Path(info.file).name}, line {info.line})"}
    out["defaultConfiguration"] = {"level": _SARIF_LEVEL.get(info.severity, "warning")}
    return out


def fingerprint(f: Finding) -> str:
    """A stable hash of the finding's identity: unchanged when lines move."""
    return hashlib.sha256("\0".join(f.identity()).encode()).hexdigest()[:32]


def _sarif_result(f: Finding) -> dict[str, object]:
    out = _sarif_finding(f)
    if f.suppressed is not None:
        out["suppressions"] = [{"kind": "inSource", "justification": f.suppressed}]
    return out


def _sarif_finding(f: Finding) -> dict[str, object]:
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
        "partialFingerprints": {"kconsistIdentity/v1": fingerprint(f)},
        "properties": {"arch": f.arch, "counterexample": f.counterexample},
    }
