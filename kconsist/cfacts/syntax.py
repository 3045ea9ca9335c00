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

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

import tree_sitter_c
from tree_sitter import Language, Node, Parser, Query, QueryCursor

_QUERY_TEXT = """
(function_definition) @function
(declaration) @declaration
(preproc_def) @macro
(preproc_function_def) @macro
(field_declaration) @field
(ERROR) @error
(MISSING) @missing
"""
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


@cache
def _language() -> Language:
    return Language(tree_sitter_c.language())


@cache
def _parser() -> Parser:
    return Parser(_language())


@cache
def _query() -> Query:
    return Query(_language(), _QUERY_TEXT)


def parse_facts(text: str, wanted: Callable[[str], bool]) -> SyntaxResult:
    """Parse ``text`` once and collect the clean facts whose name is ``wanted``."""
    source = text.encode("utf-8", "surrogateescape")
    tree = _parser().parse(source)
    result = SyntaxResult(has_error=tree.root_node.has_error)
    captures = QueryCursor(_query()).captures(tree.root_node)
    for node in captures.get("error", []):
        result.suspect_lines.update(_lines(node))
    for node in captures.get("missing", []):
        result.suspect_lines.update(_lines(node.parent or node))
    for node in captures.get("field", []):
        # A struct member cannot be a function: tree-sitter lost a closing brace.
        if any(_function_name(d) for d in node.children_by_field_name("declarator")):
            result.suspect_lines.update(_lines(node))
    for kind in ("function", "declaration", "macro"):
        for node in captures.get(kind, []):
            if _inside_error(node):
                continue  # reparsed fragments: left to the line classifier
            if kind != "macro" and not _header_clean(node):
                result.suspect_lines.update(_header_lines(node))
                continue
            for fact in _facts_of(kind, node):
                if wanted(fact.name):
                    result.facts.append(fact)
    result.facts.sort(key=lambda f: (f.line, f.name))
    return result


def _lines(node: Node) -> range:
    return range(node.start_point[0] + 1, node.end_point[0] + 2)


def _header_lines(node: Node) -> range:
    """Lines of ``node`` up to its body (all of it when it has none)."""
    body = node.child_by_field_name("body")
    end = body.start_point[0] if body is not None else node.end_point[0]
    return range(node.start_point[0] + 1, end + 2)


def _inside_error(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type == "ERROR":
            return True
        parent = parent.parent
    return False


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
            # `void (*signal(int))(int)`: a function returning a function pointer.
            return _function_name(named[0])
        inner = named[0]
    return inner if inner is not None and inner.type == "identifier" else None


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


def _matching_paren(code: str, i: int) -> int:
    """Offset just after the parenthesis that closes the one at ``i``, or -1."""
    depth = 0
    for j in range(i, min(len(code), i + _AFTER_LIMIT)):
        c = code[j]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    return -1


_WORD = re.compile(r"\s*([A-Za-z_]\w*)\s*")
_SPACE = re.compile(r"\s*")


def _after_params(code: str, i: int) -> str | None:
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
            i = _matching_paren(code, i)
            if i < 0:
                return None
    return None


def _prefix(code: str, line_start: int, offset: int, previous_line: str | None) -> str:
    """Text before the name on its line; kernel style may put the return type on the
    line before, with the name at column 0 (``static inline int\\nfoo(void)``); an
    indented name is a statement, whatever the line before is."""
    prefix = code[line_start:offset]
    if prefix or previous_line is None:
        return prefix
    return previous_line if _type_like(previous_line, strict=True) else prefix


def classify_occurrence(
    code: str, line_start: int, offset: int, name: str, previous_line: str | None
) -> str | None:
    """What the occurrence of ``name`` at ``offset`` of the comment-blanked ``code``
    is: "function", "prototype", "use" (a call, a variable, anything not a fact), or
    None when it looks like a declaration but its end cannot be read.

    ``previous_line`` is the preceding non-directive line, if not blank."""
    if name in _NEVER_DECLARED:
        return "use"
    prefix = _prefix(code, line_start, offset, previous_line)
    if not prefix.strip() or not _type_like(prefix):
        return "use"
    i = _SPACE.match(code, offset + len(name)).end()  # type: ignore[union-attr]
    if i >= len(code) or code[i] != "(":
        return "use"  # a variable or a type name
    j = _SPACE.match(code, i + 1).end()  # type: ignore[union-attr]
    if code[j : j + 1] == "*":
        return "use"  # `void __noreturn (*fp)(void)`: the word is an attribute
    end = _matching_paren(code, i)
    if end < 0:
        return None
    return _after_params(code, end)
