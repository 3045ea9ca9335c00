"""Translate a preprocessor ``#if`` expression into a :class:`~kconsist.cond.Cond`.

What is understood:

* ``defined(CONFIG_X)``, ``defined CONFIG_X``, ``#ifdef CONFIG_X`` -> ``Sym("X")``;
* ``IS_ENABLED(CONFIG_X)``, ``IS_BUILTIN(CONFIG_X)``, ``IS_REACHABLE(CONFIG_X)`` and a bare
  ``CONFIG_X`` used as a value -> ``Sym("X")``. Conditions reason about tristates as
  "not n" (see :mod:`kconsist.cond`), so ``IS_BUILTIN`` (y only) and ``IS_REACHABLE``
  are over-approximated by "enabled"; ``CONFIG_X_MODULE`` is kept as the symbol
  ``X_MODULE`` (a real symbol may end in ``_MODULE``; the Kconfig layer decides);
* ``!``, ``&&``, ``||``, parentheses, and the integer constants (``0`` is false,
  any other integer true).

Any other sub-expression is kept as an :class:`~kconsist.cond.Atom` of its normalised
text (``PAGE_SHIFT > 12``); ``defined(FOO)`` of a non-CONFIG macro is the atom
``defined(FOO)``, whatever spelling it had, so that a later table can give compiler
macros (``__arch64__``, ``__ASSEMBLY__``) a meaning. Nothing is mapped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kconsist.cond import FALSE, TRUE, Atom, Cond, Sym, and_, not_, or_

_ENABLED_TESTS = {"IS_ENABLED", "IS_BUILTIN", "IS_REACHABLE"}

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>(?:0[xX][0-9A-Fa-f]+|\d+)[uUlL]*|'(?:\\.|[^'\\])*')
     |(?P<id>[A-Za-z_]\w*)
     |(?P<op>&&|\|\||==|!=|<=|>=|<<|>>|[-+*/%<>!~&|^?:(),])
    )""",
    re.X,
)
_HEADER = re.compile(r"\s*(<[^<>\s]+>|\"[^\"]*\")")

_BINARY = {
    "||": 1,
    "&&": 2,
    "|": 3,
    "^": 4,
    "&": 5,
    "==": 6,
    "!=": 6,
    "<": 7,
    ">": 7,
    "<=": 7,
    ">=": 7,
    "<<": 8,
    ">>": 8,
    "+": 9,
    "-": 9,
    "*": 10,
    "/": 10,
    "%": 10,
}
_UNARY_PREC = 11


class _SyntaxError(ValueError):
    pass


# -- expression tree -----------------------------------------------------------------


@dataclass(frozen=True)
class _Leaf:
    kind: str  # "num", "id", "defined", "header"
    text: str


@dataclass(frozen=True)
class _Call:
    name: str
    args: tuple[_Node, ...]


@dataclass(frozen=True)
class _Unary:
    op: str
    arg: _Node


@dataclass(frozen=True)
class _Binary:
    op: str
    left: _Node
    right: _Node


@dataclass(frozen=True)
class _Ternary:
    cond: _Node
    then: _Node
    other: _Node


_Node = _Leaf | _Call | _Unary | _Binary | _Ternary


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].isspace():
            break
        # <header> is a token only as the argument of __has_include(...).
        if len(tokens) >= 2 and tokens[-1][1] == "(" and tokens[-2][1].startswith("__has_include"):
            m = _HEADER.match(text, pos)
            if m:
                tokens.append(("header", m.group(1)))
                pos = m.end()
                continue
        m = _TOKEN.match(text, pos)
        if m is None or m.lastgroup is None:
            raise _SyntaxError(f"unexpected {text[pos:].strip()[:1]!r}")
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.i >= len(self.tokens):
            raise _SyntaxError("unexpected end of expression")
        self.i += 1
        return self.tokens[self.i - 1]

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise _SyntaxError(f"expected {text!r}")

    def expression(self) -> _Node:
        cond = self.binary(1)
        if self.peek() != "?":
            return cond
        self.take()
        then = self.expression()
        self.expect(":")
        return _Ternary(cond, then, self.expression())

    def binary(self, min_prec: int) -> _Node:
        left = self.unary()
        while (op := self.peek()) in _BINARY and _BINARY[op] >= min_prec:
            self.take()
            left = _Binary(op, left, self.binary(_BINARY[op] + 1))
        return left

    def unary(self) -> _Node:
        if self.peek() in ("!", "~", "-", "+"):
            return _Unary(self.take()[1], self.unary())
        return self.primary()

    def primary(self) -> _Node:
        kind, text = self.take()
        if text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if kind in ("num", "header"):
            return _Leaf(kind, text)
        if kind != "id":
            raise _SyntaxError(f"unexpected {text!r}")
        if text == "defined":
            return self.defined()
        if self.peek() == "(":
            return self.call(text)
        return _Leaf("id", text)

    def defined(self) -> _Node:
        paren = self.peek() == "("
        if paren:
            self.take()
        kind, name = self.take()
        if kind != "id":
            raise _SyntaxError("defined needs a macro name")
        if paren:
            self.expect(")")
        return _Leaf("defined", name)

    def call(self, name: str) -> _Node:
        self.expect("(")
        args: list[_Node] = []
        if self.peek() == ")":
            self.take()
            return _Call(name, ())
        while True:
            args.append(self.expression())
            if self.take()[1] == ")":
                return _Call(name, tuple(args))
            if self.tokens[self.i - 1][1] != ",":
                raise _SyntaxError("expected ',' or ')'")


# -- normalised text -----------------------------------------------------------------


def _prec(node: _Node) -> int:
    if isinstance(node, _Binary):
        return _BINARY[node.op]
    if isinstance(node, _Ternary):
        return 0
    return 12 if not isinstance(node, _Unary) else _UNARY_PREC


def _text(node: _Node) -> str:
    if isinstance(node, _Leaf):
        return f"defined({node.text})" if node.kind == "defined" else node.text
    if isinstance(node, _Call):
        return f"{node.name}({', '.join(_text(a) for a in node.args)})"
    if isinstance(node, _Unary):
        return node.op + _wrap(node.arg, _UNARY_PREC)
    if isinstance(node, _Binary):
        prec = _BINARY[node.op]
        # Left-associative: an equal-precedence right operand needs its parentheses.
        return f"{_wrap(node.left, prec)} {node.op} {_wrap(node.right, prec + 1)}"
    return f"{_wrap(node.cond, 1)} ? {_text(node.then)} : {_text(node.other)}"


def _wrap(node: _Node, prec: int) -> str:
    text = _text(node)
    return f"({text})" if _prec(node) < prec else text


# -- translation ---------------------------------------------------------------------


def defined_cond(name: str) -> Cond:
    """Condition of ``defined(name)`` / ``#ifdef name``."""
    if name.startswith("CONFIG_") and len(name) > len("CONFIG_"):
        return Sym(name.removeprefix("CONFIG_"))
    return Atom(f"defined({name})")


def _int_value(text: str) -> int | None:
    try:
        return int(text.rstrip("uUlL"), 0) if not text.startswith("'") else None
    except ValueError:
        return int(text.rstrip("uUlL"), 8) if re.fullmatch(r"0[0-7]+[uUlL]*", text) else None


def _cond(node: _Node) -> Cond:
    if isinstance(node, _Leaf):
        if node.kind == "defined":
            return defined_cond(node.text)
        if node.kind == "num" and (value := _int_value(node.text)) is not None:
            return TRUE if value else FALSE
        if node.kind == "id" and node.text.startswith("CONFIG_") and node.text != "CONFIG_":
            return Sym(node.text.removeprefix("CONFIG_"))
    elif isinstance(node, _Call):
        if node.name in _ENABLED_TESTS and len(node.args) == 1:
            arg = node.args[0]
            if isinstance(arg, _Leaf) and arg.kind == "id" and arg.text.startswith("CONFIG_"):
                return Sym(arg.text.removeprefix("CONFIG_"))
    elif isinstance(node, _Unary) and node.op == "!":
        return not_(_cond(node.arg))
    elif isinstance(node, _Binary) and node.op == "&&":
        return and_(_cond(node.left), _cond(node.right))
    elif isinstance(node, _Binary) and node.op == "||":
        return or_(_cond(node.left), _cond(node.right))
    return Atom(_text(node))


def translate(expr: str) -> Cond:
    """The condition of ``#if expr`` (comments already removed)."""
    try:
        tokens = _tokenize(expr)
        if len(tokens) > _MAX_TOKENS or _nesting(tokens) > _MAX_NESTING:
            raise _SyntaxError("too long or too deep to read")  # the parser recurses
        parser = _Parser(tokens)
        node = parser.expression()
        if parser.i != len(parser.tokens):
            raise _SyntaxError("trailing tokens")
    except _SyntaxError:
        # Not an expression we can read: keep all of it as one unknown.
        return Atom(" ".join(expr.split()))
    return _cond(node)


# Bounds on what is parsed (the parser and Cond recurse; the kernel's longest #if has
# under 100 tokens, nested 4 deep): beyond them the expression is one unknown.
_MAX_TOKENS = 400
_MAX_NESTING = 40


def _nesting(tokens: list[tuple[str, str]]) -> int:
    """How deep parentheses and runs of operators (``!!!x``) nest."""
    deepest = depth = run = 0
    for kind, text in tokens:
        depth += {"(": 1, ")": -1}.get(text, 0)
        run = run + 1 if kind == "op" and text not in "()" else 0
        deepest = max(deepest, depth, run)
    return deepest
