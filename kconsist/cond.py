"""Boolean conditions over Kconfig symbols: the one currency that C guards, Kconfig
dependencies and rule checks are all translated into.

A :class:`Sym` is true when the Kconfig symbol is enabled (y, or m: tristates are
reasoned about as "not n"). An :class:`Atom` is a condition kconsist could not
translate (``#if PAGE_SHIFT > 12``): it is kept, as an unknown, rather than dropped,
so that a finding that depends on it can say so. A :class:`Ref` names a fact of a
rule (``$remover``) and is replaced by the fact's condition before solving.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


class Cond:
    """Base of the condition tree. Build with :func:`and_`, :func:`or_`, :func:`not_`."""

    __slots__ = ()

    def __and__(self, other: Cond) -> Cond:
        return and_(self, other)

    def __or__(self, other: Cond) -> Cond:
        return or_(self, other)

    def __invert__(self) -> Cond:
        return not_(self)

    def __str__(self) -> str:
        return render(self)


@dataclass(frozen=True, slots=True)
class Const(Cond):
    value: bool


@dataclass(frozen=True, slots=True)
class Sym(Cond):
    name: str  # Kconfig symbol name, without CONFIG_


@dataclass(frozen=True, slots=True)
class Atom(Cond):
    text: str  # an untranslatable condition, verbatim


@dataclass(frozen=True, slots=True)
class Ref(Cond):
    name: str  # a fact of the rule, without the $


class _Node(Cond):
    """A composite condition whose hash is computed once, when it is made: conditions
    are dict keys everywhere (memos, the SAT encoder, deduplication), and a dataclass
    hashes its whole tree again on every lookup. Pickled by value, so that the hash is
    recomputed in the process that loads it (string hashes differ between processes)."""

    __slots__ = ()

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined,no-any-return]

    def __eq__(self, other: object) -> bool:
        return self is other or (
            type(other) is type(self)
            and self._hash == other._hash  # type: ignore[attr-defined]
            and self._fields() == other._fields()  # type: ignore[attr-defined]
        )

    def _fields(self) -> object:
        raise NotImplementedError

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((type(self), self._fields())))

    def __reduce__(self) -> tuple[type, tuple[object]]:
        return type(self), (self._fields(),)


@dataclass(frozen=True, slots=True, eq=False)
class Not(_Node):
    arg: Cond
    _hash: int = field(init=False, repr=False, compare=False)

    def _fields(self) -> object:
        return self.arg


@dataclass(frozen=True, slots=True, eq=False)
class _Chain(_Node):
    """The arguments of an And or an Or."""

    args: tuple[Cond, ...]
    _hash: int = field(init=False, repr=False, compare=False)

    def _fields(self) -> object:
        return self.args


@dataclass(frozen=True, slots=True, eq=False)
class And(_Chain):
    pass


@dataclass(frozen=True, slots=True, eq=False)
class Or(_Chain):
    pass


TRUE = Const(True)
FALSE = Const(False)


def not_(c: Cond) -> Cond:
    if isinstance(c, Const):
        return Const(not c.value)
    if isinstance(c, Not):
        return c.arg
    return Not(c)


def _flatten(kind: type, args: Iterable[Cond], unit: Cond) -> list[Cond]:
    """The arguments, nested ones of the same kind spliced in, each once, in order of
    first appearance, without ``unit``. Dicts, not lists: a Kconfig ``rev_dep`` can be
    an OR of hundreds of selects, and pairwise comparison was quadratic."""
    out: dict[Cond, None] = {}
    for a in args:
        for x in a.args if isinstance(a, kind) else (a,):  # type: ignore[attr-defined]
            out[x] = None
    out.pop(unit, None)
    return list(out)


def _complementary(items: list[Cond]) -> bool:
    present = set(items)
    return any(isinstance(a, Not) and a.arg in present for a in items)


def and_(*args: Cond) -> Cond:
    items = _flatten(And, args, TRUE)
    if FALSE in items or _complementary(items):
        return FALSE
    if not items:
        return TRUE
    return items[0] if len(items) == 1 else And(tuple(items))


def or_(*args: Cond) -> Cond:
    items = _flatten(Or, args, FALSE)
    if TRUE in items or _complementary(items):
        return TRUE
    if not items:
        return FALSE
    return items[0] if len(items) == 1 else Or(tuple(items))


def implies(a: Cond, b: Cond) -> Cond:
    return or_(not_(a), b)


def symbols(c: Cond) -> list[str]:
    """Kconfig symbol names that occur in ``c``, in order of first appearance."""
    return list(dict.fromkeys(n.name for n in walk(c) if isinstance(n, Sym)))


def atoms(c: Cond) -> set[str]:
    return {n.text for n in walk(c) if isinstance(n, Atom)}


def walk(c: Cond) -> Iterable[Cond]:
    yield c
    if isinstance(c, Not):
        yield from walk(c.arg)
    elif isinstance(c, And | Or):
        for a in c.args:
            yield from walk(a)


def transform(c: Cond, leaf: Callable[[Cond], Cond]) -> Cond:
    """``c`` rebuilt bottom-up with each leaf (:class:`Const`, :class:`Sym`,
    :class:`Atom`, :class:`Ref`) replaced by ``leaf(it)``, simplified by the
    constructors. Every rewrite of a condition is one of these."""
    if isinstance(c, Not):
        return not_(transform(c.arg, leaf))
    if isinstance(c, And):
        return and_(*(transform(a, leaf) for a in c.args))
    if isinstance(c, Or):
        return or_(*(transform(a, leaf) for a in c.args))
    return leaf(c)


def substitute(c: Cond, refs: dict[str, Cond]) -> Cond:
    """Replace each :class:`Ref` by its condition (KeyError for an unknown one)."""
    return transform(c, lambda x: refs[x.name] if isinstance(x, Ref) else x)


def against(c: Cond, keep: set[str], positive: bool = True) -> Cond:
    """``c`` with each :class:`Atom` not in ``keep`` replaced by the value that makes
    ``c`` hardest to satisfy: false where it occurs un-negated, true under a negation.
    Each occurrence then only ever weakens ``c``, so a model of the result satisfies
    ``c`` whatever the atoms' real values: a finding never rests on an unknown."""
    if isinstance(c, Atom) and c.text not in keep:
        return Const(not positive)
    if isinstance(c, Not):
        return not_(against(c.arg, keep, not positive))
    if isinstance(c, And):
        return and_(*(against(a, keep, positive) for a in c.args))
    if isinstance(c, Or):
        return or_(*(against(a, keep, positive) for a in c.args))
    return c


def evaluate(c: Cond, values: dict[str, bool], atom_values: dict[str, bool] | None = None) -> bool:
    """Truth of ``c`` under an assignment (symbols missing from it are n)."""
    if isinstance(c, Const):
        return c.value
    if isinstance(c, Sym):
        return values.get(c.name, False)
    if isinstance(c, Atom):
        return (atom_values or {}).get(c.text, False)
    if isinstance(c, Not):
        return not evaluate(c.arg, values, atom_values)
    if isinstance(c, And):
        return all(evaluate(a, values, atom_values) for a in c.args)
    if isinstance(c, Or):
        return any(evaluate(a, values, atom_values) for a in c.args)
    raise TypeError(f"cannot evaluate {c!r}")


# -- text form -------------------------------------------------------------------

_PREC = {Or: 1, And: 2}


def render(c: Cond, parent: int = 0) -> str:
    """Kconfig-style text: ``SMP && !64BIT``; atoms in braces, refs with ``$``."""
    if isinstance(c, Const):
        return "y" if c.value else "n"
    if isinstance(c, Sym):
        return c.name
    if isinstance(c, Atom):
        return "{" + c.text + "}"
    if isinstance(c, Ref):
        return "$" + c.name
    if isinstance(c, Not):
        return "!" + render(c.arg, 3)
    if isinstance(c, And | Or):
        prec = _PREC[type(c)]
        sep = " && " if isinstance(c, And) else " || "
        text = sep.join(render(a, prec) for a in c.args)
        return f"({text})" if prec < parent else text
    raise TypeError(repr(c))


class CondSyntaxError(ValueError):
    def __init__(self, message: str, column: int):
        super().__init__(f"{message} at column {column + 1}")
        self.column = column


_TOKEN = re.compile(r"\s*(?:(&&|\|\||->|[!()])|(\$?[A-Za-z0-9_]+)|(\S))")


def parse(text: str) -> Cond:
    """Parse a rule condition: identifiers are Kconfig symbols (``CONFIG_`` optional),
    ``$name`` a fact, ``y``/``n`` constants; ``!``, ``&&``, ``||``, ``->`` and parentheses.
    """
    tokens: list[tuple[str, int]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing white space is left
            break
        if m.group(3):
            raise CondSyntaxError(f"unexpected {m.group(3)!r}", m.start(3))
        tokens.append((m.group(1) or m.group(2), m.start(1) if m.group(1) else m.start(2)))
        pos = m.end()
    parser = _Parser(tokens, len(text))
    result = parser.implication()
    if parser.i < len(tokens):
        raise CondSyntaxError(f"unexpected {tokens[parser.i][0]!r}", tokens[parser.i][1])
    return result


class _Parser:
    def __init__(self, tokens: list[tuple[str, int]], end: int):
        self.tokens = tokens
        self.i = 0
        self.end = end

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, int]:
        if self.i >= len(self.tokens):
            raise CondSyntaxError("unexpected end of condition", self.end)
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def implication(self) -> Cond:
        left = self.disjunction()
        if self.peek() == "->":
            self.take()
            return implies(left, self.implication())
        return left

    def disjunction(self) -> Cond:
        args = [self.conjunction()]
        while self.peek() == "||":
            self.take()
            args.append(self.conjunction())
        return or_(*args)

    def conjunction(self) -> Cond:
        args = [self.unary()]
        while self.peek() == "&&":
            self.take()
            args.append(self.unary())
        return and_(*args)

    def unary(self) -> Cond:
        tok, col = self.take()
        if tok == "!":
            return not_(self.unary())
        if tok == "(":
            inner = self.implication()
            if self.take()[0] != ")":
                raise CondSyntaxError("expected ')'", col)
            return inner
        if tok in ("&&", "||", "->", ")"):
            raise CondSyntaxError(f"unexpected {tok!r}", col)
        if tok.startswith("$"):
            return Ref(tok[1:])
        if tok == "y":
            return TRUE
        if tok == "n":
            return FALSE
        return Sym(tok.removeprefix("CONFIG_"))
