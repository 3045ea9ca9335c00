"""Function definitions, prototypes and macros: tree-sitter first, a line classifier
where tree-sitter could not parse.

Kernel headers are full of macros tree-sitter cannot expand (``__init``,
``asmlinkage``, ``#if`` inside asm strings), so about a third of them yield ERROR
nodes. A fact from tree-sitter is kept only when its header (everything but the body)
parsed cleanly, allowing bare words that tree-sitter took for errors (attribute
macros). The lines of ERROR nodes, and of nodes where tree-sitter had to invent a
token, are *suspect*: an occurrence of a name there is classified by
:func:`classify_occurrence`, which reads the comment-free text around it.
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

import tree_sitter_c
from tree_sitter import Language, Node, Parser, Tree

_WORDS_ONLY = re.compile(rb"[\w\s]*")
_WRAPPERS = ("pointer_declarator", "attributed_declarator")


@dataclass(frozen=True)
class SyntaxFact:
    kind: str  # "function", "prototype", "macro"
    name: str
    line: int  # 1-based line of the name
    params: tuple[str, ...] | None = None


@dataclass
class SyntaxResult:
    facts: list[SyntaxFact] = field(default_factory=list)
    suspect_lines: set[int] = field(default_factory=set)  # 1-based
    has_error: bool = False
    timed_out: bool = False  # tree-sitter gave up (PARSE_BUDGET): every line is suspect


@cache
def _language() -> Language:
    return Language(tree_sitter_c.language())


@cache
def _parser() -> Parser:
    return Parser(_language())


def parse_facts(text: str, wanted: Callable[[str], bool]) -> SyntaxResult:
    """Parse ``text`` once and collect the clean facts whose name is ``wanted``.

    Linear in the size of the text: one walk of the tree (a query is quadratic on very
    deep trees, and tree-sitter finds a node's parent by walking down from the root);
    tree-sitter's own parse stops after ``PARSE_BUDGET`` seconds."""
    source = text.encode("utf-8", "surrogateescape")
    tree = _parse(source)
    if tree is None:
        lines = range(1, text.count("\n") + 2)
        return SyntaxResult(suspect_lines=set(lines), has_error=True, timed_out=True)
    result = SyntaxResult(has_error=tree.root_node.has_error)
    found = _walk(tree, result.suspect_lines, source)
    for node in found["field"]:
        # A struct member cannot be a function: tree-sitter lost a closing brace.
        if any(_function_name(d) for d in node.children_by_field_name("declarator")):
            result.suspect_lines.update(_lines(node))
    for kind in ("function", "declaration", "macro"):
        for node in found[kind]:
            if kind != "macro" and not _header_clean(node):
                result.suspect_lines.update(_header_lines(node))
                continue
            for fact in _facts_of(kind, node):
                if wanted(fact.name):
                    result.facts.append(fact)
    result.facts.sort(key=lambda f: (f.line, f.name))
    return result


PARSE_BUDGET = 30.0  # seconds of tree-sitter per file (a 1 MB kernel file takes ~1 s)


def _parse(source: bytes) -> Tree | None:
    """The tree of ``source``, or None when tree-sitter did not finish in time."""
    deadline = time.monotonic() + PARSE_BUDGET

    def read(offset: int, _point: object) -> bytes:
        return source[offset : offset + 4096]  # small: tree-sitter reads again and again

    def stop(_offset: int, _has_error: bool) -> bool:
        return time.monotonic() > deadline

    try:
        return _parser().parse(read, encoding="utf8", progress_callback=stop)
    except ValueError:  # "Parsing failed": stopped
        _parser().reset()
        return None


_KINDS = {
    "function_definition": "function",
    "declaration": "declaration",
    "preproc_def": "macro",
    "preproc_function_def": "macro",
    "field_declaration": "field",
}


# Node types worth asking whether they are barren: expressions, declarators, argument
# and parameter lists (most of a tree); asking every node costs more than it saves.
_BARREN_CANDIDATES = frozenset(
    {
        "argument_list",
        "parameter_list",
        "parameter_declaration",
        "init_declarator",
        "string_literal",
        "concatenated_string",
        "type_descriptor",
        "attribute_specifier",
        "call_expression",
        "binary_expression",
        "unary_expression",
        "assignment_expression",
        "parenthesized_expression",
        "field_expression",
        "subscript_expression",
        "pointer_expression",
        "cast_expression",
        "conditional_expression",
        "update_expression",
        "sizeof_expression",
        "comma_expression",
        "gnu_asm_expression",
        "function_declarator",
        "pointer_declarator",
        "array_declarator",
        "parenthesized_declarator",
    }
)

# Every node of :data:`_KINDS` holds one of these bytes: a declaration ends with ";",
# a function definition's body opens with "{", a #define starts with "#".
_HELD = re.compile(rb"[;{#]")


def _walk(tree: Tree, suspect: set[int], source: bytes) -> dict[str, list[Node]]:
    """The nodes of each kind of :data:`_KINDS` outside ERROR nodes (inside one they
    are reparsed fragments, left to the line classifier), in order; the lines of ERROR
    nodes and of the parents of nodes tree-sitter invented (MISSING) go to ``suspect``.

    A subtree without errors whose text holds none of ``;{#`` (an expression, an
    argument list: most of a file's nodes) has none of those kinds: it is skipped, so
    that the walk in Python visits a fraction of the tree."""
    found: dict[str, list[Node]] = {kind: [] for kind in _KINDS.values()}
    held = [m.start() for m in _HELD.finditer(source)]

    def barren(node: Node, in_error: bool) -> bool:
        if node.has_error:
            return False
        if in_error:
            return True  # nothing is collected inside an ERROR but errors
        i = bisect.bisect_left(held, node.start_byte)
        return i == len(held) or held[i] >= node.end_byte

    cursor = tree.walk()
    ancestors: list[tuple[Node, bool]] = []  # each ancestor, and whether inside an ERROR
    while True:
        node = cursor.node
        assert node is not None
        parent, in_error = ancestors[-1] if ancestors else (None, False)
        kind = node.type
        if node.is_missing:
            suspect.update(_lines(parent or node))
        elif kind == "ERROR":
            suspect.update(_lines(node))
            in_error = True
        elif kind in _KINDS and not in_error:
            found[_KINDS[kind]].append(node)
        if (
            not (kind in _BARREN_CANDIDATES and barren(node, in_error))
            and cursor.goto_first_child()
        ):
            ancestors.append((node, in_error))
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return found
            ancestors.pop()


def _lines(node: Node) -> range:
    return range(node.start_point[0] + 1, node.end_point[0] + 2)


def _header_lines(node: Node) -> range:
    """Lines of ``node`` up to its body (all of it when it has none)."""
    body = node.child_by_field_name("body")
    end = body.start_point[0] if body is not None else node.end_point[0]
    return range(node.start_point[0] + 1, end + 2)


def _facts_of(kind: str, node: Node) -> Iterator[SyntaxFact]:
    if kind == "macro":
        yield from _macro_fact(node)
        return
    fact_kind = "function" if kind == "function" else "prototype"
    for declarator in node.children_by_field_name("declarator"):
        name = _function_name(declarator)
        if name is not None and name.text is not None:
            yield SyntaxFact(fact_kind, name.text.decode(errors="replace"), _line(name))


def _line(node: Node) -> int:
    return node.start_point[0] + 1


def _header_clean(node: Node) -> bool:
    """No error outside the body, except ERROR nodes made of bare words only
    (``__init``, ``asmlinkage void``: attribute macros tree-sitter cannot know)."""
    body = node.child_by_field_name("body")
    stack = [c for c in node.children if c != body]
    while stack:
        n = stack.pop()
        if n.is_missing:
            return False
        if n.type == "ERROR":
            if not _WORDS_ONLY.fullmatch(n.text or b""):
                return False
        elif n.has_error:
            stack.extend(n.children)
    return True


def _function_name(declarator: Node) -> Node | None:
    """The identifier that ``declarator`` declares as a function, or None (a variable,
    a function pointer)."""
    node: Node | None = declarator
    while True:  # a loop, not recursion: declarators nest as deep as a file likes
        while node is not None and node.type in _WRAPPERS:
            node = node.child_by_field_name("declarator")
        if node is None or node.type != "function_declarator":
            return None
        inner = node.child_by_field_name("declarator")
        # `int (foo)(void)` guards the name against a function-like macro of that name.
        while inner is not None and inner.type == "parenthesized_declarator":
            named = [c for c in inner.named_children if c.type != "comment"]
            if len(named) != 1:
                return None
            if named[0].type == "pointer_declarator":
                break  # `void (*signal(int))(int)`: a function returning a function pointer
            inner = named[0]
        else:
            return inner if inner is not None and inner.type == "identifier" else None
        node = named[0]


def _macro_fact(node: Node) -> Iterator[SyntaxFact]:
    name = node.child_by_field_name("name")
    if name is None or name.text is None or name.has_error or name.is_missing:
        return
    params_node = node.child_by_field_name("parameters")
    params: tuple[str, ...] | None = None
    if params_node is not None:
        if params_node.has_error:
            return  # `y...` (GNU named variadic) and friends: the line scan reads them
        params = tuple(
            (c.text or b"").decode(errors="replace")
            for c in params_node.children
            if c.type in ("identifier", "...")
        )
    yield SyntaxFact("macro", name.text.decode(errors="replace"), _line(name), params)


# -- the line classifier ------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PREFIX_TOKEN = re.compile(r"[A-Za-z_]\w*|\S")
_NOT_IN_DECLARATION = _words(
    "return else case goto if while for do switch sizeof default break continue asm __asm__ __asm"
)
_SPECIFIERS = _words(
    "static extern inline __inline__ __inline register auto const volatile __volatile__ typedef"
)
# Words followed by `(` that are syntax, not names a file can declare.
_NEVER_DECLARED = _words(
    "asm __asm__ __asm __attribute__ __attribute typeof __typeof__ __typeof sizeof"
    " _Static_assert static_assert _Alignas alignof __alignof__ _Generic"
    " void char short int long float double signed unsigned _Bool bool const volatile"
    " struct union enum static extern inline register auto typedef __inline__ __inline"
    " return if else while for do switch case __volatile__ goto"
)
_AFTER_LIMIT = 8000  # characters to search for the end of a parameter list


def _type_like(prefix: str, strict: bool = False) -> bool:
    """Whether ``prefix`` can be the start of a declaration: words (specifiers, types,
    attribute macros, each optionally with a parenthesised argument) and ``*``.
    ``strict`` also wants it to end in a word or ``*``, as a return type does: a line
    ending in ``)`` is more often a macro invocation (``EVENT(A, 1)``)."""
    tokens = _PREFIX_TOKEN.findall(prefix)
    if strict and (not tokens or tokens[-1] == ")"):
        return False
    types = 0  # bare words that can be a type: `static DEFINE_MUTEX(m);` has none
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "*":
            i += 1
            continue
        if not (tok[0].isalpha() or tok[0] == "_") or tok in _NOT_IN_DECLARATION:
            return False
        i += 1
        if i < len(tokens) and tokens[i] == "(":
            i = _skip_group(tokens, i)
            if i < 0:
                return False
        elif tok not in _SPECIFIERS:
            types += 1
    return types > 0


def _skip_group(tokens: list[str], i: int) -> int:
    depth = 0
    while i < len(tokens):
        depth += {"(": 1, ")": -1}.get(tokens[i], 0)
        i += 1
        if depth == 0:
            return i
    return -1


class Parens:
    """Where each parenthesis of a text closes, worked out in one pass on first use:
    asking for many occurrences costs no more than one (no rescans)."""

    _PAREN = re.compile(r"[()]")

    def __init__(self, code: str):
        self.code = code
        self._closes: dict[int, int] | None = None

    def close(self, i: int) -> int:
        """Offset just after the parenthesis that closes the one at ``i``, or -1 (none,
        or not within ``_AFTER_LIMIT`` characters)."""
        if self._closes is None:
            self._closes = {}
            opened: list[int] = []
            for m in self._PAREN.finditer(self.code):
                if m.group() == "(":
                    opened.append(m.start())
                elif opened:
                    self._closes[opened.pop()] = m.end()
        end = self._closes.get(i, -1)
        return end if 0 <= end - i <= _AFTER_LIMIT else -1


_WORD = re.compile(r"\s*([A-Za-z_]\w*)\s*")
_SPACE = re.compile(r"\s*")


def _after_params(code: str, i: int, parens: Parens) -> str | None:
    """Classify what follows a parameter list ending at ``i``: ``{`` a definition,
    ``;``/``,`` a prototype; attribute macros (``__init``, ``__acquires(x)``) are
    skipped. None when it is something else."""
    for _ in range(16):
        i = _SPACE.match(code, i).end()  # type: ignore[union-attr]
        if i >= len(code):
            return None
        c = code[i]
        if c == "{":
            return "function"
        if c in ";,":
            return "prototype"
        if c in "=[":
            return "use"  # a variable with an attribute: `u8 __aligned(8) buf[16];`
        if c == "#":
            # A header split over #if branches: `void f(int x)\n#else\n...\n#endif\n{`.
            end = code.find("\n", i)
            i = len(code) if end < 0 else end
            continue
        m = _WORD.match(code, i)
        if m is None:
            return None
        i = m.end()
        if i < len(code) and code[i] == "(":
            i = parens.close(i)
            if i < 0:
                return None
    return None


def _prefix(code: str, line_start: int, offset: int, previous_line: str | None) -> str | None:
    """Text before the name on its line; kernel style may put the return type on the
    line before, with the name at column 0 (``static inline int\\nfoo(void)``); an
    indented name is a statement, whatever the line before is. None when the text
    before the name is longer than any declaration's (a very long line: read no more
    of it for each name on it)."""
    if offset - line_start > _PREFIX_LIMIT:
        return None
    prefix = code[line_start:offset]
    if prefix or previous_line is None:
        return prefix
    if len(previous_line) > _PREFIX_LIMIT:
        return prefix
    return previous_line if _type_like(previous_line, strict=True) else prefix


_PREFIX_LIMIT = 2000  # characters before a declared name on its line


def classify_occurrence(
    code: str,
    line_start: int,
    offset: int,
    name: str,
    previous_line: str | None,
    parens: Parens | None = None,
) -> str | None:
    """What the occurrence of ``name`` at ``offset`` of the comment-blanked ``code``
    is: "function", "prototype", "use" (a call, a variable, anything not a fact), or
    None when it looks like a declaration but its end cannot be read.

    ``previous_line`` is the preceding non-directive line, if not blank; ``parens``
    the :class:`Parens` of ``code`` (pass one for many occurrences of one text)."""
    if name in _NEVER_DECLARED:
        return "use"
    prefix = _prefix(code, line_start, offset, previous_line)
    if prefix is None:
        # A separator before the name on its line makes it a statement, not a declaration.
        start = max(line_start, offset - _PREFIX_LIMIT)
        return "use" if _SEPARATOR.search(code, start, offset) else None
    if not prefix.strip() or not _type_like(prefix):
        return "use"
    i = _SPACE.match(code, offset + len(name)).end()  # type: ignore[union-attr]
    if i >= len(code) or code[i] != "(":
        return "use"  # a variable or a type name
    j = _SPACE.match(code, i + 1).end()  # type: ignore[union-attr]
    if code[j : j + 1] == "*":
        return "use"  # `void __noreturn (*fp)(void)`: the word is an attribute
    parens = parens or Parens(code)
    end = parens.close(i)
    if end < 0:
        return None
    return _after_params(code, end, parens)


_SEPARATOR = re.compile(r"[;{}]")


def declares(prefix: str) -> bool:
    """Whether ``prefix``, the text before a name on its line, makes the name a
    declarator (``static struct page *``, ``unsigned long``) rather than a use
    (``return``, ``x =``, ``f(``)."""
    return bool(prefix.strip()) and _type_like(prefix)
