"""Satisfiability of conditions, with a model when there is one.

Conditions are Tseitin-encoded into CNF and handed to a SAT solver (pysat's CaDiCaL).
Kconfig symbols and untranslatable atoms are both free variables here; the caller
decides what they mean.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from pysat.solvers import Solver

from kconsist import cond as c

Var = tuple[str, str]  # ("sym", name) or ("atom", text)


@dataclass
class Model:
    """A satisfying assignment: symbol values and atom values."""

    symbols: dict[str, bool]
    atoms: dict[str, bool]


@dataclass
class _Encoder:
    vars: dict[Var, int] = field(default_factory=dict)
    clauses: list[list[int]] = field(default_factory=list)
    cache: dict[c.Cond, int] = field(default_factory=dict)
    top: int = 0
    sym_vars: list[int] = field(default_factory=list)  # in order of creation

    def fresh(self) -> int:
        self.top += 1
        return self.top

    def var(self, key: Var) -> int:
        if key not in self.vars:
            self.vars[key] = self.fresh()
            if key[0] == "sym":
                self.sym_vars.append(self.vars[key])
        return self.vars[key]

    def lit(self, e: c.Cond) -> int:
        """A literal equivalent to ``e`` (Tseitin: one fresh variable per gate)."""
        if e in self.cache:
            return self.cache[e]
        lit = self._encode(e)
        self.cache[e] = lit
        return lit

    def _encode(self, e: c.Cond) -> int:
        if isinstance(e, c.Sym):
            return self.var(("sym", e.name))
        if isinstance(e, c.Atom):
            return self.var(("atom", e.text))
        if isinstance(e, c.Not):
            return -self.lit(e.arg)
        if isinstance(e, c.Const):
            t = self.var(("const", "true"))
            self.clauses.append([t])
            return t if e.value else -t
        if isinstance(e, c.And | c.Or):
            args = [self.lit(a) for a in e.args]
            g = self.fresh()
            if isinstance(e, c.And):  # g <-> a1 & ... & an
                self.clauses += [[-g, a] for a in args]
                self.clauses.append([g, *(-a for a in args)])
            else:  # g <-> a1 | ... | an
                self.clauses += [[g, -a] for a in args]
                self.clauses.append([-g, *args])
            return g
        raise TypeError(f"cannot encode {e!r} (unresolved fact reference?)")

    def require(self, e: c.Cond) -> None:
        # Top-level conjunctions become separate clauses: fewer gates, same meaning.
        if isinstance(e, c.And):
            for a in e.args:
                self.require(a)
        elif isinstance(e, c.Or) and all(isinstance(a, c.Sym | c.Not) for a in e.args):
            self.clauses.append([self.lit(a) for a in e.args])
        else:
            self.clauses.append([self.lit(e)])


def solve(constraints: Iterable[c.Cond]) -> Model | None:
    """A model of all ``constraints``, or None when they contradict each other."""
    enc = _Encoder()
    for e in constraints:
        enc.require(e)
    with Solver(name="cadical153", bootstrap_with=enc.clauses) as solver:
        if not solver.solve():
            return None
        return _decode(enc, set(solver.get_model() or []))


class Incremental:
    """One solver for many questions over a growing set of constraints: each query is
    asked under an assumption, so the clauses of the constraints (an arch's Kconfig
    cone) are encoded and learnt from once, not once per question. Tseitin gates are
    definitions, so the gates of earlier queries constrain nothing."""

    def __init__(self) -> None:
        self._enc = _Encoder()
        self._solver = Solver(name="cadical153")
        self._sent = 0
        self._required = 0
        self._phased = 0
        weakref.finalize(self, self._solver.delete)

    def solve(self, constraints: list[c.Cond], query: c.Cond) -> Model | None:
        """A model of ``constraints`` (a list that only ever grows) and ``query``."""
        if not self.satisfiable(constraints, query):
            return None
        return _decode(self._enc, set(self._solver.get_model() or []))

    def satisfiable(self, constraints: list[c.Cond], query: c.Cond) -> bool:
        """Whether ``constraints`` and ``query`` have a model (none is decoded)."""
        for e in constraints[self._required :]:
            self._enc.require(e)
        self._required = len(constraints)
        q = self._enc.lit(query)
        for clause in self._enc.clauses[self._sent :]:
            self._solver.add_clause(clause)
        self._sent = len(self._enc.clauses)
        # Prefer n: counterexamples read like a small configuration (and as the
        # one-shot solve's did), the symbols that must be y standing out. A phase
        # stays set in the solver: only new variables need one.
        fresh = self._enc.sym_vars[self._phased :]
        if fresh:
            self._solver.set_phases([-v for v in fresh])
            self._phased = len(self._enc.sym_vars)
        return bool(self._solver.solve(assumptions=[q]))


def _decode(enc: _Encoder, model: set[int]) -> Model:
    symbols: dict[str, bool] = {}
    atoms: dict[str, bool] = {}
    for (kind, name), v in enc.vars.items():
        if kind == "sym":
            symbols[name] = v in model
        elif kind == "atom":
            atoms[name] = v in model
    return Model(symbols, atoms)
