"""Edits that cannot change any verdict: comments and blank lines, in a Kconfig or C
file, and where the other lines moved.

Everything kconsist takes from a file (kconfiglib's parse, the C facts, the line scans
of the tree-wide reads) is the same before and after such an edit, except the line
numbers: so the verdicts of the file's old state hold for the new one, with the lines
of findings moved (:func:`moves`). The tests are deliberately narrow; anything they
are not sure of is "may matter", and the arch is checked again:

- **Kconfig** (``Kconfig*``): the files are the same once blank lines and ``#``
  comment lines are left out, where kconfiglib skips them. Help text is kept as it is,
  and marked as help (a comment line less indented than the help text ends it in
  kconfiglib, and what follows is read as Kconfig), as is any line after a ``\\``.
- **C** (``.c``, ``.h``, ``.S``): each line added or removed is blank or a one-line
  comment (``/* ... */``, ``// ...``) without ``#``, parentheses, ``\\``, quotes,
  or a nested comment mark, at a place that is neither inside a ``/* */``
  comment nor after a ``\\`` (so no directive, macro or comment changes extent).
- A file with a ``kconsist-ignore`` comment (whose reach a blank line changes) is
  never taken as unchanged.
"""

from __future__ import annotations

import difflib
import re

_C_SUFFIXES = (".c", ".h", ".S")
_INERT_C = re.compile(r"\s*(?:/\*(?:(?!\*/|/\*)[^#()\\\"'])*\*/|//(?:(?!\*/|/\*)[^#()\\\"'])*)?\s*")
_HELP = ("help", "---help---")


def moves(rel: str, old: str, new: str) -> dict[int, int] | None:
    """For an edit of ``rel`` from ``old`` to ``new`` text that cannot change a verdict:
    old line number -> new line number, for every line kept; else None."""
    if "kconsist-ignore" in old or "kconsist-ignore" in new:
        return None
    name = rel.rsplit("/", 1)[-1]
    if name.startswith("Kconfig"):
        return _kconfig_moves(old, new)
    if name.endswith(_C_SUFFIXES):
        return _c_moves(old.split("\n"), new.split("\n"))
    return None


# -- Kconfig --------------------------------------------------------------------------


def _kconfig_skeleton(text: str) -> list[tuple[int, str, str]]:
    """(line, kind, text) of what kconfiglib reads: ``stmt`` lines and ``help`` lines."""
    out: list[tuple[int, str, str]] = []
    continued = False
    help_indent: int | None = None  # in help text: its indentation (0: not yet known)
    for n, line in enumerate(text.split("\n"), 1):
        if continued:
            out.append((n, "cont", line))
            continued = line.endswith("\\")
            continue
        if help_indent is not None:
            indent = _indent(line)
            if not line.strip() or (help_indent and indent >= help_indent):
                out.append((n, "help", line))
                continue
            if not help_indent and indent:
                help_indent = indent
                out.append((n, "help", line))
                continue
            help_indent = None  # this line ends the help text, and is read as Kconfig
        stripped = line.strip()
        if (not stripped or stripped.startswith("#")) and not line.endswith("\\"):
            continue  # kconfiglib joins a comment ending in "\\" with the next line
        out.append((n, "stmt", line))
        continued = line.endswith("\\")
        if stripped.split()[0] in _HELP:
            help_indent = 0
    return out


def _indent(line: str) -> int:
    expanded = line.expandtabs()
    return len(expanded) - len(expanded.lstrip())


def _kconfig_moves(old: str, new: str) -> dict[int, int] | None:
    a, b = _kconfig_skeleton(old), _kconfig_skeleton(new)
    if [x[1:] for x in a] != [y[1:] for y in b]:
        return None
    return {x[0]: y[0] for x, y in zip(a, b, strict=True)}


# -- C --------------------------------------------------------------------------------


def _c_moves(old: list[str], new: list[str]) -> dict[int, int] | None:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    old_open, new_open = _comment_open(old), _comment_open(new)
    out: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.update({i1 + k + 1: j1 + k + 1 for k in range(i2 - i1)})
            continue
        if not all(_INERT_C.fullmatch(x) for x in (*old[i1:i2], *new[j1:j2])):
            return None
        if _inside(old, old_open, i1) or _inside(new, new_open, j1):
            return None
    return out


def _inside(lines: list[str], open_at: list[bool], i: int) -> bool:
    """Whether a line put at index ``i`` would be inside a comment or a continued line."""
    in_comment = open_at[i] if i < len(open_at) else False
    return in_comment or (i > 0 and lines[i - 1].endswith("\\"))


def _comment_open(lines: list[str]) -> list[bool]:
    """For each line, whether it starts inside a ``/* */`` comment (strings and ``//``
    comments skipped; a string ends with its line)."""
    out = []
    inside = False
    for line in lines:
        out.append(inside)
        i, quote = 0, ""
        while i < len(line):
            if inside:
                end = line.find("*/", i)
                if end < 0:
                    break
                inside, i = False, end + 2
            elif quote:
                if line[i] == "\\":
                    i += 1
                elif line[i] == quote:
                    quote = ""
                i += 1
            elif line.startswith("//", i):
                break
            elif line.startswith("/*", i):
                inside, i = True, i + 2
            else:
                if line[i] in "\"'":
                    quote = line[i]
                i += 1
    return out
