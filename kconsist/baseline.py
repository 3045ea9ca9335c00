"""Baselines: the findings a tree is known to have, so that a check reports only new
ones (``audit --baseline FILE``; ``--write-baseline FILE`` records them).

A baseline holds each finding's identity (:meth:`Finding.identity`: rule, arch, file,
name, kind and the site's line text), never its line number or message, so it keeps
matching while unrelated lines move. Identities are counted: a second identical
violating site is new.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from kconsist.findings import AuditResult, Finding

FORMAT = 1
_KEYS = ("rule", "arch", "file", "name", "kind", "context")


class BaselineError(Exception):
    """A baseline file that cannot be read: message with file and line."""

    def __init__(self, message: str, file: str, line: int | None = None):
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.message, self.file, self.line = message, file, line


def write(result: AuditResult, path: Path) -> None:
    entries = [dict(zip(_KEYS, f.identity(), strict=True)) for f in result.findings]
    data = {"kconsist-baseline": FORMAT, "findings": entries}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def read(path: Path) -> Counter[tuple[str, ...]]:
    name = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise BaselineError(f"cannot read baseline: {e.strerror}", name) from None
    except UnicodeDecodeError:
        raise BaselineError("baseline is not UTF-8 text", name) from None
    except json.JSONDecodeError as e:
        raise BaselineError(f"baseline is not JSON: {e.msg}", name, e.lineno) from None
    if not isinstance(data, dict) or data.get("kconsist-baseline") != FORMAT:
        raise BaselineError(f"not a kconsist baseline (format {FORMAT})", name, 1)
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(_valid(e) for e in entries):
        raise BaselineError("'findings' must be a list of objects with " + ", ".join(_KEYS), name)
    return Counter(tuple(e[k] for k in _KEYS) for e in entries)


def _valid(entry: object) -> bool:
    return isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in _KEYS)


def apply(result: AuditResult, known: Counter[tuple[str, ...]]) -> AuditResult:
    """``result`` without the findings ``known`` accounts for (each entry once)."""
    left = Counter(known)
    kept: list[Finding] = []
    for f in result.findings:
        if left[f.identity()] > 0:
            left[f.identity()] -= 1
        else:
            kept.append(f)
    return replace(result, findings=kept, baselined=len(result.findings) - len(kept))
