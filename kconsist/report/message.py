"""A finding's message: the rule's template with its placeholders filled."""

from __future__ import annotations

from kconsist import cond as c
from kconsist.findings import Finding


def describe_when(cond: c.Cond) -> str:
    """A condition for people: "always" rather than "y"."""
    return "always" if cond == c.TRUE else str(cond)


def condition_text(f: Finding) -> str:
    return describe_when(f.condition) if f.condition is not None else ""


def undecided_texts(f: Finding) -> list[str]:
    """``{ATOM}=y`` for each untranslatable condition the finding assumed."""
    return [f"{{{atom}}}={'y' if value else 'n'}" for atom, value in f.undecided]


def counterexample_text(f: Finding) -> str:
    text = " ".join(f"{k}={v}" for k, v in f.counterexample.items())
    if f.undecided:
        text += " (assuming " + ", ".join(undecided_texts(f)) + ", which kconsist cannot decide)"
    return text


def message(f: Finding) -> str:
    """The template filled; the placeholders are those of ``rulelang.PLACEHOLDERS``."""
    values = {
        "arch": f.arch,
        "file": f.file,
        "line": f.line,
        "location": f"{f.file}:{f.line}",
        "name": f.name,
        "kind": f.kind,
        "condition": condition_text(f),
        "counterexample": counterexample_text(f),
        "rule": f.rule,
        "blocker": f.blocker,
    }
    return f.template.format(**values)


def line(f: Finding, level: str | None = None) -> str:
    """``file:line: severity: [rule] message`` (``level`` replaces the severity word)."""
    return one_line(f"{f.file}:{f.line}: {level or f.severity}: [{f.rule}] {message(f)}")


# Control characters (a file name may hold any byte but NUL and "/"), as Python escapes.
_CONTROL = {i: repr(chr(i))[1:-1] for i in [*range(0x20), 0x7F] if chr(i) != "\t"}


def one_line(text: str) -> str:
    """``text`` with every control character but tab escaped (``\\n``, ``\\x1b``): a
    line-oriented report (text, b4, checkpatch) keeps one line per finding whatever the
    file names hold."""
    return text.translate(_CONTROL)
