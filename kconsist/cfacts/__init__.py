"""C facts with their preprocessor guards.

A *fact* is a function definition, a function prototype or a ``#define`` of a name in
one file, together with the condition (:mod:`kconsist.cond`) under which the compiler
sees it: the stack of ``#if`` branches at its line (:mod:`.pp`, :mod:`.guards`), the
file's include guard dropped. Calls and other uses of a name are read by :mod:`.uses`,
the asm-generic headers an arch's headers lead to by :mod:`.asmgeneric`.

Tree-sitter tells definitions from prototypes (:mod:`.syntax`); where it could not
parse, a line classifier does, and the fact says ``via="scan"``. A function that a
function-like macro of the same file defines for each call (``__SET_MEMORY_FUNC(
set_memory_ro, ...)``) is a fact at the call, ``via="macro"``. An occurrence neither
can classify is reported in :attr:`FileFacts.problems` instead of being dropped.

Whether the file itself is compiled at all is a separate question: see
:mod:`.kbuild` (``.c`` files) and :mod:`.includes` (arch headers).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from kconsist.cfacts import pp, syntax
from kconsist.cond import Cond

__all__ = ["CFact", "FileFacts", "may_declare", "scan_text"]

_DEFINE = re.compile(r"([A-Za-z_]\w*)(\(([^)]*)\))?")
_CALL_LIKE = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


@dataclass(frozen=True)
class CFact:
    kind: str  # "function" (definition), "prototype" (declaration), "macro"
    name: str
    file: str  # tree-relative path
    line: int  # 1-based line of the name
    guard: Cond  # preprocessor condition under which it is seen; include guard dropped
    params: tuple[str, ...] | None = None  # macros: None for object-like, else parameter names
    via: str = "tree-sitter"  # or "scan" when the line classifier found it


@dataclass
class FileFacts:
    facts: list[CFact]
    problems: list[tuple[str, int, str]]  # (file, line, message): places that could not be read


def scan_text(
    text: str, rel: str, names: Collection[str] | None = None, *, parse: bool = True
) -> FileFacts:
    """Facts of ``text`` (the contents of ``rel``): every function definition, prototype
    and ``#define`` when ``names`` is None, else only those of ``names``. Without
    ``parse`` (the caller knows no occurrence of what it wants can be declared), only
    the line scan's: ``#define`` lines and functions a macro of the file defines."""
    wanted: Callable[[str], bool]
    if names is None:
        wanted = _everything
    else:
        name_set = frozenset(names)
        if not any(n in text for n in name_set):
            return FileFacts([], [])  # the fast path: most files mention none of them
        wanted = name_set.__contains__
    scan = pp.scan(text)
    if parse and (names is None or _may_declare(scan, name_set)):
        parsed = syntax.parse_facts(text, wanted)
    else:
        parsed = syntax.SyntaxResult()  # every occurrence is a use: nothing to parse for
    out = _Collector(rel, scan)
    for f in parsed.facts:
        if f.kind != "macro":
            out.add(f.kind, f.name, f.line, None, "tree-sitter")
    _add_macros(out, scan, parsed, wanted)
    _add_generated(out, scan, wanted)
    if names is None:
        occurrences = _call_like_occurrences(scan, parsed.suspect_lines)
    else:
        occurrences = _name_occurrences(scan, name_set)
    _classify(out, scan, parsed.suspect_lines, occurrences)
    out.problems.extend((rel, line, msg) for line, msg in scan.problems)
    if parsed.timed_out:
        budget = f"{syntax.PARSE_BUDGET:g} s"
        out.problems.append((rel, 1, f"not parsed within {budget}: read by the line scan only"))
    out.facts.sort(key=lambda f: (f.line, f.name, f.kind))
    return FileFacts(out.facts, out.problems)


# What may come right before the name a declaration declares: its type or a qualifier
# or attribute word (``void``, ``__visible``), ``*``, ``(`` of a parenthesized
# declarator, ``)`` of an attribute, ``,`` of a second declarator or of a macro's
# argument (a function the macro defines). A use comes after anything else: ``;``,
# ``{``, ``}`` (a statement), ``=``, ``&``, ``.``, ``->``, operators, or a keyword that
# ends in a statement or an expression.
_DECLARATOR_BEFORE = frozenset("()*,")
_USE_AFTER_WORD = frozenset({"return", "else", "do", "case", "goto", "sizeof"})
_WORD_BEFORE = re.compile(r"(\w+)\s*\Z")


def may_declare(text: str, names: Collection[str]) -> bool:
    """Whether an occurrence of one of ``names`` in ``text``, outside directives, can
    be what a declaration or definition declares, judged by the token before it (a
    cheap filter: a file where every occurrence is a use, as most calls of ``memcpy``
    are, needs no parse for the facts of ``names``)."""
    return _may_declare(pp.scan(text), frozenset(names))


def _may_declare(scan: pp.PPScan, names: frozenset[str]) -> bool:
    code = scan.code
    for _name, offset in _name_occurrences(scan, names):
        if scan.directive_at(scan.line_of(offset)) or scan.in_literal(offset):
            continue  # a #define's own name or body (the line scan's), or a string
        before = _text_before(code, offset)
        if not before or before[-1] in _DECLARATOR_BEFORE:
            return True
        if before[-1] == "_" or before[-1].isalnum():
            word = _WORD_BEFORE.search(before[-64:])
            if word is None or word.group(1) not in _USE_AFTER_WORD:
                return True
    return False


def _text_before(code: str, offset: int) -> str:
    """Some of the text before ``offset``, up to its last non-space character."""
    end = offset
    while True:
        start = max(0, end - 256)
        chunk = code[start:end].rstrip()
        if chunk or start == 0:
            return chunk
        end = start


def _everything(_name: str) -> bool:
    return True


class _Collector:
    def __init__(self, rel: str, scan: pp.PPScan):
        self.rel = rel
        self.scan = scan
        self.facts: list[CFact] = []
        self.problems: list[tuple[str, int, str]] = []
        self.seen: set[tuple[str, int]] = set()  # (name, line) already a fact

    def add(
        self, kind: str, name: str, line: int, params: tuple[str, ...] | None, via: str
    ) -> None:
        if (name, line) in self.seen:
            return
        self.seen.add((name, line))
        guard = self.scan.guard_at(line)
        self.facts.append(CFact(kind, name, self.rel, line, guard, params, via))


def _add_macros(
    out: _Collector, scan: pp.PPScan, parsed: syntax.SyntaxResult, wanted: Callable[[str], bool]
) -> None:
    """Every ``#define`` the line scan saw; tree-sitter's reading where it had a clean
    one at that line (it does not, e.g., with a comment inside a multi-line macro)."""
    clean = {(f.name, f.line): f for f in parsed.facts if f.kind == "macro"}
    for d in scan.directives:
        m = _DEFINE.match(d.rest) if d.name == "define" else None
        if m is None or not wanted(m.group(1)):
            continue
        name = m.group(1)
        line = _name_line(scan, d, name)
        ts = clean.get((name, line))
        if ts is not None:
            out.add("macro", name, line, ts.params, "tree-sitter")
            continue
        params = None
        if m.group(2) is not None:
            params = tuple(p.strip() for p in m.group(3).split(",") if p.strip())
        out.add("macro", name, line, params, "scan")


# -- functions a macro of the same file defines: __SET_MEMORY_FUNC(set_memory_ro, ...) ----

_MARK = "__kconsist_arg{}__"
_PASTE = re.compile(r"\s*##\s*")
_LINE_CALL = re.compile(r"^([A-Za-z_]\w*)[ \t]*\(", re.M)


def _add_generated(out: _Collector, scan: pp.PPScan, wanted: Callable[[str], bool]) -> None:
    """Each file-scope call of a function-like macro of this file whose body defines a
    function named after a parameter (``fname``, ``__##fname``) defines that function,
    named by the call's argument, at the call's line (s390's ``__SET_MEMORY_FUNC``)."""
    at_start: dict[str, list[re.Match[str]]] = {}  # line-initial calls, read once
    for c in _LINE_CALL.finditer(scan.code):
        at_start.setdefault(c.group(1), []).append(c)
    for d, m, calls in _called_defines(scan, at_start):
        if not calls:
            continue  # the common case: parse the body only for a macro called at file scope
        params = [p.strip() for p in m.group(3).split(",")]
        templates = _defined_names(d.rest[m.end() :], params)
        for c in calls if templates else []:
            line = scan.line_of(c.start())
            args = _call_args(scan.code, c.end())
            if args is None or len(args) != len(params):
                continue
            for template in templates:
                name = template
                for i, arg in enumerate(args):
                    name = name.replace(_MARK.format(i), arg)
                if _IDENT.fullmatch(name) and wanted(name):
                    out.add("function", name, line, None, "macro")


def _called_defines(
    scan: pp.PPScan, at_start: dict[str, list[re.Match[str]]]
) -> Iterator[tuple[pp.Directive, re.Match[str], list[re.Match[str]]]]:
    """Each ``#define`` of a function-like macro called at the start of a line, with
    the calls it makes: those after it and before the next ``#define`` of that name
    (which replaces it), so that each call is read once however often it is defined."""
    defines: dict[str, list[tuple[pp.Directive, re.Match[str]]]] = {}
    for d in scan.directives:
        m = _DEFINE.match(d.rest) if d.name == "define" else None
        if m is not None and m.group(2) is not None and m.group(1) in at_start:
            defines.setdefault(m.group(1), []).append((d, m))
    for name, found in defines.items():
        calls = at_start[name]
        lines = [scan.line_of(c.start()) for c in calls]
        for i, (d, m) in enumerate(found):
            end = found[i + 1][0].line if i + 1 < len(found) else len(scan.line_starts) + 1
            first = bisect.bisect_right(lines, d.end_line)
            yield d, m, calls[first : bisect.bisect_left(lines, end, first)]


_IDENT = re.compile(r"[A-Za-z_]\w*")


def _defined_names(body: str, params: list[str]) -> list[str]:
    """Names of the functions ``body`` defines that involve a parameter, with each
    parameter as a marker: tree-sitter reads the body as ordinary C."""
    if not all(_IDENT.fullmatch(p) for p in params):
        return []  # variadic or malformed: not a generator
    if not any(re.search(rf"\b{re.escape(p)}\b", body) for p in params):
        return []
    for i, p in enumerate(params):
        body = re.sub(rf"\b{re.escape(p)}\b", _MARK.format(i), body)
    body = _PASTE.sub("", body)  # token pasting, the markers now plain identifiers
    facts = syntax.parse_facts(body, lambda n: "__kconsist_arg" in n).facts
    return [f.name for f in facts if f.kind == "function"]


def _call_args(code: str, start: int) -> list[str] | None:
    """The comma-separated arguments of a call whose ``(`` ends before ``start``."""
    depth, args, current = 0, [], start
    for i in range(start, min(len(code), start + 4096)):
        ch = code[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                args.append(code[current:i].strip())
                return args
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(code[current:i].strip())
            current = i + 1
    return None


def _name_line(scan: pp.PPScan, d: pp.Directive, name: str) -> int:
    # `#define \` with the name on the next line is legal; find the name's own line.
    for line in range(d.line, d.end_line + 1):
        if re.search(rf"\b{re.escape(name)}\b", scan.line_text(line)):
            return line
    return d.line


def _name_occurrences(scan: pp.PPScan, names: frozenset[str]) -> Iterator[tuple[str, int]]:
    """(name, offset) of each occurrence of one of ``names`` in the comment-free code."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    for m in re.finditer(rf"(?<!\w)(?:{alternatives})(?!\w)", scan.code):
        yield m.group(0), m.start()


def _call_like_occurrences(scan: pp.PPScan, suspect: set[int]) -> Iterator[tuple[str, int]]:
    """Every ``word(`` in the lines tree-sitter could not parse."""
    for line in sorted(suspect):
        if line > len(scan.line_starts) or scan.directive_at(line):
            continue
        start = scan.line_starts[line - 1]
        for m in _CALL_LIKE.finditer(scan.line_text(line)):
            yield m.group(1), start + m.start(1)


def _classify(
    out: _Collector,
    scan: pp.PPScan,
    suspect: set[int],
    occurrences: Iterator[tuple[str, int]],
) -> None:
    """Run the line classifier on the occurrences tree-sitter did not account for."""
    parens = syntax.Parens(scan.code)
    for name, offset in occurrences:
        line = scan.line_of(offset)
        if (name, line) in out.seen or line not in suspect or scan.directive_at(line):
            continue  # a fact already, or a use inside clean code or a directive
        if scan.in_literal(offset):
            continue  # text of a string (asm, messages)
        start = scan.line_starts[line - 1]
        # The line before matters only to a name at column 0 (read it only then).
        previous = _previous_line(scan, line) if offset == start else None
        kind = syntax.classify_occurrence(scan.code, start, offset, name, previous, parens)
        if kind is None:
            out.problems.append(
                (out.rel, line, f"cannot tell whether {name!r} is declared or used here")
            )
        elif kind != "use":
            out.add(kind, name, line, None, "scan")


def _previous_line(scan: pp.PPScan, line: int) -> str | None:
    if line < 2 or scan.directive_at(line - 1):
        return None
    text = scan.line_text(line - 1)
    return text if text.strip() else None
