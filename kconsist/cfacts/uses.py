"""Calls and other references of a name: where C code mentions it without defining it.

Each whole-word occurrence of a wanted name in the comment-blanked text
(:func:`kconsist.cfacts.pp.scan`) is a *use* unless it is:

- inside a string or character literal (``asm("call foo")``, ``pr_info("foo")``): text,
  not code; a comment is already blanked;
- a definition, prototype or ``#define`` of the name (the facts of :func:`scan_text` at
  that line, or what the line classifier reads as one);
- a member (``ops->foo()``, ``.foo = x``) or a tag (``struct foo``): other namespaces;
- the declarator of a variable, parameter or function pointer (``struct page *foo;``,
  ``int f(char *foo)``, ``void (*foo)(void)``); a type name in a declaration
  (``static foo_t x;``) is a reference;
- in a directive other than ``#define``: ``#ifdef foo``, ``#if defined(foo)``,
  ``#undef foo`` test or end a macro, they use nothing;
- in a ``#define``, the macro's own name (also ``#define foo foo``, the kernel's way to
  announce a function) or one of its parameters.

What is left is a ``call`` when the next token is ``(`` (a function call, or the
invocation of a function-like macro), else a ``reference`` (a function's address, an
object-like macro, a variable). A use inside the body of a ``#define`` is a use at that
line, under the ``#if`` nest of the ``#define``: it is where the text that calls the
name is written, whoever expands the macro.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from kconsist.cfacts import CFact, FileFacts, pp, syntax

USE_KINDS = ("call", "reference")

_MEMBER_OR_TAG = re.compile(r"(?:\.|->|\b(?:struct|union|enum))\s*$")
_FUNCTION_POINTER = re.compile(r"\(\s*\*\s*(?:const\s+)?$")
_DEFINE_HEAD = re.compile(r"[ \t]*#(?:\s|\\\n)*define(?:\s|\\\n)+(\w+)(\(([^)]*)\))?")
_PART = re.compile(r"[(,;{}]")  # what a declaration of one name starts after
_LOOK_BEHIND = 200  # characters before an occurrence that can make it a member or a tag


def word_pattern(names: Collection[str] = (), regex: str | None = None) -> re.Pattern[str]:
    """The whole-word occurrences of ``names`` (or of words ``regex`` may match)."""
    if regex is not None:
        body = regex.removeprefix("^").removesuffix("$")
    else:
        body = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def find_uses(
    text: str,
    rel: str,
    word: re.Pattern[str],
    wanted: Callable[[str], bool],
    defined: Collection[tuple[str, int]] = (),
) -> FileFacts:
    """The uses in ``text`` (the contents of ``rel``) of the names ``word`` finds and
    ``wanted`` accepts; ``defined``: (name, line) of the file's definitions, prototypes
    and macros, which are not uses."""
    scan = pp.scan(text)
    parens = syntax.Parens(scan.code)
    facts: list[CFact] = []
    problems: list[tuple[str, int, str]] = []
    seen: set[tuple[str, int, str]] = set()
    for m in word.finditer(scan.code):
        name, offset = m.group(0), m.start()
        if not wanted(name) or scan.in_literal(offset):
            continue
        line = scan.line_of(offset)
        if (name, line) in defined or _MEMBER_OR_TAG.search(
            scan.code, max(0, offset - _LOOK_BEHIND), offset
        ):
            continue
        d = scan.directive_at(line)
        if d is not None:
            kind = _in_define(scan, d, name, offset)
        else:
            kind = _in_code(scan, line, offset, name, parens)
        if kind == "?":
            problems.append((rel, line, f"cannot tell whether {name!r} is declared or used here"))
        elif kind is not None and (name, line, kind) not in seen:
            seen.add((name, line, kind))
            facts.append(CFact(kind, name, rel, line, scan.guard_at(line), via="scan"))
    return FileFacts(facts, problems)


_BLANK = re.compile(r"(?:\s|\\\n)*")


def _next_is_paren(code: str, end: int) -> bool:
    i = _BLANK.match(code, end).end()  # type: ignore[union-attr]
    return code[i : i + 1] == "("


def _in_define(scan: pp.PPScan, d: pp.Directive, name: str, offset: int) -> str | None:
    """A use in the body of a ``#define``; None for any other directive, the macro's
    name and its parameters."""
    if d.name != "define":
        return None
    head = _DEFINE_HEAD.match(scan.code, scan.line_starts[d.line - 1])
    if head is None or offset < head.end() or name == head.group(1):
        return None
    params = [p.strip() for p in (head.group(3) or "").split(",")]
    if head.group(2) is not None and name in params:
        return None
    return "call" if _next_is_paren(scan.code, offset + len(name)) else "reference"


def _in_code(
    scan: pp.PPScan, line: int, offset: int, name: str, parens: syntax.Parens
) -> str | None:
    start = scan.line_starts[line - 1]
    previous = _previous_line(scan, line) if offset == start else None
    kind = syntax.classify_occurrence(scan.code, start, offset, name, previous, parens)
    if kind is None:
        return "?"
    if kind != "use":
        return None  # a declaration: the definition facts' business
    if _next_is_paren(scan.code, offset + len(name)):
        return "call"
    prefix = scan.code[start:offset]
    if _FUNCTION_POINTER.search(prefix):
        return None  # `void (*foo)(void)`: a declarator
    # A declarator, of a variable or a parameter: `struct page *foo;`, `f(char *foo)`.
    part = _PART.split(prefix)[-1]
    return None if syntax.declares(part) else "reference"


def _previous_line(scan: pp.PPScan, line: int) -> str | None:
    if line < 2 or scan.directive_at(line - 1):
        return None
    text = scan.line_text(line - 1)
    return text if text.strip() else None
