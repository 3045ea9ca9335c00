"""Line-level preprocessor scan: the conditional-compilation guard of every line.

This does not preprocess (no macro expansion, no includes). It blanks comments,
joins continued lines, finds the directives and keeps the stack of ``#if`` branches,
so that any line of the file can be asked under which condition the compiler sees it.
Tree-sitter's own preprocessor nesting is not used: it breaks on the same files whose
C it cannot parse, and the guards must be consistent for every fact of a file.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from kconsist.cfacts.guards import defined_cond, translate
from kconsist.cond import TRUE, Cond, and_, not_, or_

_DIRECTIVE = re.compile(r"\s*#\s*([A-Za-z_]\w*)?(.*)", re.S)
_IDENT = re.compile(r"[A-Za-z_]\w*")
MAX_IF_DEPTH = 64  # C's minimum translation limit is 63 levels
_CONDITIONALS = {"if", "ifdef", "ifndef", "elif", "elifdef", "elifndef", "else", "endif"}


@dataclass(frozen=True)
class Directive:
    line: int  # first physical line, 1-based
    end_line: int  # last physical line (continuations, comments spanning lines)
    name: str  # "if", "define", ... ("" for a null directive)
    rest: str  # comment-free text after the name, continuations joined, stripped


@dataclass
class PPScan:
    """The result of :func:`scan`; ask :meth:`guard_at` for any line."""

    code: str  # the text with comments blanked (same length, same newlines)
    directives: list[Directive]
    problems: list[tuple[int, str]]  # (line, message)
    include_guard: str | None = None
    literals: list[int] = field(default_factory=list)  # literal start, end, start, ...
    line_starts: list[int] = field(default_factory=list)  # offset of each line in code
    _seg_lines: list[int] = field(default_factory=list)  # first line of each guard segment
    _seg_guards: list[Cond] = field(default_factory=list)
    _directive_lines: dict[int, Directive] = field(default_factory=dict)
    # (directive, condition around it, condition of the branch it opens): every
    # #if/#ifdef/#ifndef/#elif* line, for facts about the guards themselves.
    branches: list[tuple[Directive, Cond, Cond]] = field(default_factory=list)
    # Lines of the #if/#elif* directives whose branch holds only #error or #warning
    # lines (and blank or comment lines): an assertion, never code.
    asserting: set[int] = field(default_factory=set)

    def guard_at(self, line: int) -> Cond:
        """Condition under which physical line ``line`` (1-based) is compiled."""
        i = bisect.bisect_right(self._seg_lines, line) - 1
        return self._seg_guards[i] if i >= 0 else TRUE

    def directive_at(self, line: int) -> Directive | None:
        """The directive that physical line ``line`` is part of, if any."""
        return self._directive_lines.get(line)

    def in_literal(self, offset: int) -> bool:
        """Whether ``offset`` is inside a string or character literal."""
        return bisect.bisect_right(self.literals, offset) % 2 == 1

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def line_text(self, line: int) -> str:
        """Comment-blanked text of one physical line, without its newline."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.code)
        return self.code[start:end]


# Where a comment or literal starts, and how each kind runs on: a line comment to
# the newline (a backslash-newline continues it), a literal to its quote, or to just
# before an unescaped newline (so that an apostrophe in assembler text cannot run
# away), or to the end of the text. A block comment runs to "*/" (str.find).
_START = re.compile(r"/[*/]|[\"']")
_LINE_COMMENT = re.compile(r"//(?:[^\n\\]++|\\\n|\\)*+")
_LITERAL = {
    q: re.compile(rf"{q}(?:[^\\\n{q}]++|\\[\s\S]|\\\Z)*+{q}?") for q in ("'", '"')
}


def _blank(segment: str) -> str:
    return "\n".join(" " * len(part) for part in segment.split("\n"))


def blank_comments(text: str) -> tuple[str, set[int], list[int]]:
    """``text`` with every comment replaced by spaces (newlines kept), the set of
    1-based lines that end inside a block comment (they continue a directive, as the
    compiler sees a comment as one space before it looks for directives), and the
    offsets where string and character literals start and end, alternately.

    String and character literals are skipped so that ``"/*"`` is not a comment; they
    end at an unescaped newline, so an apostrophe in assembler text cannot run away.
    Each comment and literal is found and read to its end by the regex engine or
    str.find, never a loop per character: this is on every file read.
    """
    out: list[str] = []
    open_at_eol: set[int] = set()
    literals: list[int] = []
    done, line, pos = 0, 1, 0  # text[:done] is in out; line is that of offset done
    while (m := _START.search(text, pos)) is not None:
        start, kind = m.start(), m.group()
        if kind in "\"'":
            pos = _LITERAL[kind].match(text, start).end()  # type: ignore[union-attr]
            literals += (start, pos)
            continue
        if kind == "/*":
            close = text.find("*/", start + 2)
            pos = len(text) if close < 0 else close + 2
        else:
            pos = _LINE_COMMENT.match(text, start).end()  # type: ignore[union-attr]
        line += text.count("\n", done, start)
        comment = text[start:pos]
        out += (text[done:start], _blank(comment))
        newlines = comment.count("\n")
        if kind == "/*":
            open_at_eol.update(range(line, line + newlines))
        line += newlines
        done = pos
    out.append(text[done:])
    return "".join(out), open_at_eol, literals


# A line whose first non-blank character is "#" (the lines of a directive).
_HASH_LINE = re.compile(r"^[^\S\n]*#", re.M)


def _logical_directives(code: str, lines: list[str], open_at_eol: set[int]) -> list[Directive]:
    """Directives of the blanked ``code`` (split into ``lines``), each with its
    continuation lines joined. Lines are found by a regex over the text: most lines are
    no directive, and a loop over them was a third of scanning a file."""
    out: list[Directive] = []
    i, line, offset = 0, 0, 0  # next line to read; line of offset
    for m in _HASH_LINE.finditer(code):
        line += code.count("\n", offset, m.start())
        offset = m.start()
        if line < i:
            continue  # a continuation of the directive before
        i = line
        start, parts = i, []
        while True:
            part = lines[i]
            continued = part.rstrip().endswith("\\")
            if continued:
                part = part.rstrip()[:-1]
            parts.append(part)
            if not (continued or (i + 1) in open_at_eol) or i + 1 >= len(lines):
                break
            i += 1
        d = _DIRECTIVE.match(" ".join(parts))
        assert d is not None  # the line starts with '#'
        rest = " ".join(d.group(2).split())
        out.append(Directive(start + 1, i + 1, d.group(1) or "", rest))
        i += 1
    return out


def _first_ident(text: str) -> str:
    m = _IDENT.match(text)
    return m.group(0) if m else ""


def _find_include_guard(directives: list[Directive], lines: list[str]) -> str | None:
    """Name of the include guard: the ``#ifndef X`` / ``#define X`` pair whose ``#endif``
    closes the file, with nothing but blank lines and comments outside it."""
    if len(directives) < 3:
        return None
    first, second = directives[0], directives[1]
    if first.name == "ifndef":
        name = _first_ident(first.rest)
    elif first.name == "if":
        m = re.fullmatch(r"!\s*defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?", first.rest)
        name = m.group(1) if m else ""
    else:
        return None
    if not name or second.name != "define" or _first_ident(second.rest) != name:
        return None
    if any(line.strip() for line in lines[: first.line - 1]):
        return None
    depth = 0
    for d in directives:
        if d.name in ("if", "ifdef", "ifndef"):
            depth += 1
        elif d.name == "endif":
            depth -= 1
            if depth == 0:
                closes_file = d is directives[-1] and not any(
                    line.strip() for line in lines[d.end_line :]
                )
                return name if closes_file else None
    return None


@dataclass
class _Frame:
    cond: Cond  # condition of the branch being read
    taken: Cond  # OR of the conditions of this #if's branches so far
    line: int
    seen_else: bool = False
    beyond: int = 0  # #ifs open inside this one beyond MAX_IF_DEPTH (not read)
    start: int = 0  # line of the directive that opened the branch being read
    only_errors: bool = True  # nothing in that branch so far but #error/#warning
    errors: bool = False  # and at least one of them


def _branch_cond(d: Directive) -> Cond:
    if d.name in ("ifdef", "elifdef"):
        return defined_cond(_first_ident(d.rest))
    if d.name in ("ifndef", "elifndef"):
        return not_(defined_cond(_first_ident(d.rest)))
    return translate(d.rest)


def directive_cond(line: str) -> Cond | None:
    """The condition a ``#if``/``#ifdef``/``#elif``... line tests, read from its text
    alone (symbols as they are named); None for any other line."""
    code, _, _ = blank_comments(line)
    m = re.match(r"\s*#\s*(\w+)\s*(.*)", code)
    if m is None or m.group(1) not in _CONDITIONALS - {"else", "endif"}:
        return None
    return _branch_cond(Directive(1, 1, m.group(1), m.group(2).strip()))


def _stack_guard(frames: list[_Frame]) -> Cond:
    return and_(*(f.cond for f in frames))


# The same file is scanned for its facts, its guards and as an includer of a header;
# a scan is never modified after it is made, so recent ones are kept (bounded). Enough
# for the C files of the largest arch (7.3: arm 1,478, powerpc 1,399; 128 rescanned a
# third of powerpc's), a few MB.
@functools.lru_cache(maxsize=2048)
def scan(text: str) -> PPScan:
    """Scan ``text`` once; see :class:`PPScan`."""
    code, open_at_eol, literals = blank_comments(text)
    lines = code.split("\n")
    directives = _logical_directives(code, lines, open_at_eol)
    result = PPScan(code=code, directives=directives, problems=[], literals=literals)
    result.include_guard = _find_include_guard(directives, lines)
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    result.line_starts = starts
    _compute_guards(result)
    return result


def _compute_guards(result: PPScan) -> None:
    frames: list[_Frame] = []
    seg_lines, seg_guards = result._seg_lines, result._seg_guards
    guard_frame_line = result.directives[0].line if result.include_guard else None

    def mark(line: int, guard: Cond) -> None:
        if seg_lines and seg_lines[-1] == line:
            seg_guards[-1] = guard
        else:
            seg_lines.append(line)
            seg_guards.append(guard)

    mark(1, TRUE)
    after = 0  # the last line of the directive before
    for d in result.directives:
        for line in range(d.line, d.end_line + 1):
            result._directive_lines[line] = d
        if frames:
            _read_into(result, frames[-1], after, d)
        after = d.end_line
        if d.name not in _CONDITIONALS:
            continue
        if frames and frames[-1].beyond:
            # Inside #ifs nested deeper than MAX_IF_DEPTH: only their #endif counts.
            frames[-1].beyond += {"if": 1, "ifdef": 1, "ifndef": 1, "endif": -1}.get(d.name, 0)
            continue
        if d.name in ("if", "ifdef", "ifndef") and len(frames) >= MAX_IF_DEPTH:
            # Each line's guard joins every open #if: bounded, so that scanning stays
            # linear. Deeper #ifs are not read (their lines keep the guard around
            # them), and the file is reported.
            result.problems.append((d.line, f"#if nested deeper than {MAX_IF_DEPTH} levels"))
            frames[-1].beyond = 1
            continue
        outer = _stack_guard(frames[:-1] if d.name not in ("if", "ifdef", "ifndef") else frames)
        mark(d.line, outer)
        _apply(d, frames, result, guard_frame_line)
        body = _stack_guard(frames)
        mark(d.end_line + 1, body)
        if d.name not in ("else", "endif") and d.line != guard_frame_line:
            result.branches.append((d, outer, body))
    for f in frames:
        result.problems.append((f.line, "#if without #endif"))


# What a branch that is an assertion may hold besides blank and comment lines: its
# diagnostics, a null directive ("#"), and the directive that ends it.
_ASSERTION = {"error", "warning", "", "elif", "elifdef", "elifndef", "else", "endif"}


def _read_into(result: PPScan, top: _Frame, after: int, d: Directive) -> None:
    """Note in ``top`` (the innermost open branch) what it holds up to directive ``d``:
    the code after line ``after`` and ``d`` itself, for whether it is an assertion."""
    if not top.only_errors:
        return
    between = result.code[result.line_starts[after] : result.line_starts[d.line - 1]]
    if between.strip() or d.name not in _ASSERTION:
        top.only_errors = False
    elif d.name in ("error", "warning"):
        top.errors = True


def _end_branch(top: _Frame, asserting: set[int]) -> None:
    if top.only_errors and top.errors:
        asserting.add(top.start)


def _apply(d: Directive, frames: list[_Frame], result: PPScan, guard_line: int | None) -> None:
    problems = result.problems
    if d.name in ("if", "ifdef", "ifndef"):
        # The include guard is true wherever the file is read at all.
        cond = TRUE if d.line == guard_line else _branch_cond(d)
        frames.append(_Frame(cond, cond, d.line, start=d.line))
        return
    if not frames:
        problems.append((d.line, f"#{d.name} without #if"))
        return
    top = frames[-1]
    if top.seen_else and d.name != "endif":
        problems.append((d.line, f"#{d.name} after #else"))
    _end_branch(top, result.asserting)
    top.start, top.only_errors, top.errors = d.line, True, False
    if d.name == "endif":
        frames.pop()
    elif d.name == "else":
        top.cond, top.seen_else = not_(top.taken), True
    else:  # elif, elifdef, elifndef
        cond = _branch_cond(d)
        top.cond = and_(not_(top.taken), cond)
        top.taken = or_(top.taken, cond)
