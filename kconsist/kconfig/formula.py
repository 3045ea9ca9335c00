"""Kconfig as a boolean formula: which configurations an architecture's Kconfig allows.

For the symbols a question mentions, :class:`KconfigFormula` builds, from kconfiglib's
parsed data, one constraint per symbol in their cone of influence (every symbol their
values can depend on), so that a SAT solver can ask "is there an allowed configuration
where ...?" without enumerating configurations.

Semantics encoded (kconfig-language.rst), each symbol read as "not n":

* a symbol selected (``rev_dep``) is on;
* a visible symbol (some prompt whose condition, which includes its dependencies, holds)
  is otherwise free: the user decides;
* an invisible symbol takes its first default whose condition holds, or the ``imply``
  of a symbol when its own dependencies hold, else n;
* a bool choice that is visible has exactly one of its visible members on;
* a transitional symbol reads any value an old .config may hold: it is free;
* symbols an arch does not define are n; constants y/m/n are themselves.

Toolchain answers (see :mod:`kconsist.kconfig.preprocess`) are encoded both ways, chosen
per question by the variable :data:`MODEL`: when it is true, every probe symbol and
every toolchain-valued symbol reads the model toolchain's answer (what a load says);
when it is false, they are free: any toolchain. (The same switch makes a comparison
that tells a tristate's m from y, ``KVM_AMD = y``, unknown when false: two-valued
tristates are an approximation that a "never possible" verdict must not rest on.)
A probe symbol is then a free variable; a toolchain-valued bool symbol has no
constraint; a comparison that involves a toolchain-valued int/hex/string symbol
(``GCC_VERSION >= 110000``, ``RUSTC_VERSION``) is an unknown.

Limits (documented in README): tristates are two-valued (m counts as on, so ``A = m``
reads as ``A``); comparisons of string/int/hex symbols are evaluated by kconfiglib when
their operands cannot change (constants, environment, invisible symbols with
unconditional constant defaults), and kept as free unknowns otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import kconfiglib as kl

from kconsist import cond as c

USER_PREFIX = "?"  # variables of the user's choices; never Kconfig names
# True: the model toolchain's answers; false: any toolchain's. Never a Kconfig name.
MODEL = c.Sym("<model toolchain>")
_REL = {kl.EQUAL, kl.UNEQUAL, kl.LESS, kl.LESS_EQUAL, kl.GREATER, kl.GREATER_EQUAL}
_TRI = (kl.BOOL, kl.TRISTATE)


def choice_name(choice: kl.Choice) -> str:
    node = choice.nodes[0]
    return f"<choice@{node.filename}:{node.linenr}>"


@dataclass
class KconfigFormula:
    """Constraints over the cone of influence of the symbols asked about so far."""

    kconf: kl.Kconfig
    transitional: frozenset[str] = frozenset()
    constraints: list[c.Cond] = field(default_factory=list)
    _done: set[str] = field(default_factory=set)

    @property
    def _probes(self) -> dict:
        toolchain = getattr(self.kconf, "toolchain", None)
        return toolchain.probes if toolchain is not None else {}

    @property
    def _toolchain_syms(self) -> set[str]:
        return getattr(self.kconf, "toolchain_syms", set())

    def probe_label(self, name: str) -> str | None:
        """``cc-option(-mfoo)`` for a probe symbol's name, else None."""
        probe = self._probes.get(name)
        return probe.label if probe is not None else None

    # -- public -----------------------------------------------------------------

    def defines(self, name: str) -> bool:
        sym = self.kconf.syms.get(name)
        return bool(sym and sym.nodes)

    def add_cone(self, names: Iterable[str]) -> None:
        """Add the constraints of ``names`` and of every symbol they depend on."""
        todo: list[kl.Symbol | kl.Choice] = []
        for name in names:
            sym = self.kconf.syms.get(name)
            if sym is not None:
                todo.append(sym)
        while todo:
            item = todo.pop()
            key = self._var(item)
            if key in self._done:
                continue
            self._done.add(key)
            todo.extend(self._constrain(item))

    def expr(self, e: object) -> c.Cond:
        """A kconfiglib expression as a condition."""
        if isinstance(e, tuple):
            op = e[0]
            if op == kl.AND:
                return c.and_(*(self.expr(x) for x in _chain(e, kl.AND)))
            if op == kl.OR:
                return c.or_(*(self.expr(x) for x in _chain(e, kl.OR)))
            if op == kl.NOT:
                return c.not_(self.expr(e[1]))
            if op in _REL:
                return self._relation(e)
            raise ValueError(f"unknown kconfiglib operator {op}")
        if isinstance(e, kl.Choice):
            return c.Sym(choice_name(e))
        return self._symbol(e)  # type: ignore[arg-type]

    # -- expressions ------------------------------------------------------------

    def _symbol(self, sym: kl.Symbol) -> c.Cond:
        if sym.is_constant:
            return c.Const(sym.name in ("y", "m"))
        if not sym.nodes and sym.name in self._probes:
            return _model_or(c.Const(self._probes[sym.name].model), c.Sym(sym.name))
        if sym.orig_type in _TRI:
            return c.Sym(sym.name) if sym.nodes else c.FALSE
        if not sym.nodes and not sym.env_var:
            return c.FALSE
        # A string/int/hex symbol used as a bool is y only if its value is "y"/"m".
        return self._fixed_or_atom(sym, sym.name)

    def _relation(self, e: tuple) -> c.Cond:
        op, left, right = e
        if op in (kl.EQUAL, kl.UNEQUAL) and self._is_tri(left) and self._is_tri(right):
            same = self._tri_equal(left, right)
            if self._m_matters(left, right):
                # Two-valued, `X = y` reads as X; asked about any configuration, the
                # m/y difference is an unknown (KVM_AMD = y && CCP = m).
                same = _model_or(same, c.Atom(kl.expr_str((kl.EQUAL, left, right))))
            return same if op == kl.EQUAL else c.not_(same)
        text = kl.expr_str(e)
        if self._fixed(left) and self._fixed(right):
            fixed = c.Const(bool(kl.expr_value(e)))
            if self._from_toolchain(left) or self._from_toolchain(right):
                return _model_or(fixed, c.Atom(text))
            return fixed
        return c.Atom(text)

    def _from_toolchain(self, sym: kl.Symbol | kl.Choice) -> bool:
        return isinstance(sym, kl.Symbol) and sym.name in self._toolchain_syms

    @staticmethod
    def _m_matters(left: kl.Symbol | kl.Choice, right: kl.Symbol | kl.Choice) -> bool:
        """Whether a comparison tells m from y: a tristate against y or m, or two
        tristates (against n it is exact)."""
        names = {s.name for s in (left, right) if isinstance(s, kl.Symbol) and s.is_constant}
        tris = [s for s in (left, right) if isinstance(s, kl.Symbol) and _is_tristate(s)]
        return bool(tris) and ("n" not in names) and (len(tris) == 2 or bool(names))

    def _is_tri(self, sym: kl.Symbol | kl.Choice) -> bool:
        if isinstance(sym, kl.Choice):
            return True
        if sym.is_constant:
            return sym.name in ("y", "m", "n")
        return sym.orig_type in _TRI or (not sym.nodes and sym.orig_type == kl.UNKNOWN)

    def _tri_equal(self, left: kl.Symbol, right: kl.Symbol) -> c.Cond:
        a, b = self.expr(left), self.expr(right)
        return c.or_(c.and_(a, b), c.and_(c.not_(a), c.not_(b)))

    def _fixed(self, sym: kl.Symbol | kl.Choice) -> bool:
        """Whether no configuration can change the symbol's value."""
        if isinstance(sym, kl.Choice):
            return False
        if sym.is_constant or sym.env_var is not None or not sym.nodes:
            return True
        if any(node.prompt for node in sym.nodes) or sym.name in self.transitional:
            return False
        return all(
            cond is self.kconf.y and self._value_is_literal(value) for value, cond in sym.defaults
        )

    @staticmethod
    def _value_is_literal(value: object) -> bool:
        return isinstance(value, kl.Symbol) and (value.is_constant or value.env_var is not None)

    def _fixed_or_atom(self, sym: kl.Symbol, text: str) -> c.Cond:
        if self._fixed(sym):
            fixed = c.Const(sym.str_value in ("y", "m"))
            return _model_or(fixed, c.Atom(text)) if self._from_toolchain(sym) else fixed
        return c.Atom(text)

    # -- constraints ------------------------------------------------------------

    def _var(self, item: kl.Symbol | kl.Choice) -> str:
        return choice_name(item) if isinstance(item, kl.Choice) else item.name

    def _constrain(self, item: kl.Symbol | kl.Choice) -> list[kl.Symbol | kl.Choice]:
        """Add ``item``'s constraint; return the items it depends on."""
        if isinstance(item, kl.Choice):
            return self._constrain_choice(item)
        if item.is_constant or item.orig_type not in _TRI or not item.nodes:
            return []
        if item.choice is not None:
            return [item.choice, *self._deps_of(item)]
        this = c.Sym(item.name)
        if item.name in self.transitional:
            return []  # free: any old .config value
        rev = self.expr(item.rev_dep)
        vis = self._visibility(item.nodes)
        fallback = c.or_(
            self._default(item), c.and_(self.expr(item.weak_rev_dep), self.expr(item.direct_dep))
        )
        user = c.Sym(USER_PREFIX + item.name)  # the user's free choice
        value = c.or_(rev, c.and_(vis, user), c.and_(c.not_(vis), fallback))
        if item.name in self._toolchain_syms:  # any value, unless the model is asked
            self.constraints.append(c.implies(MODEL, _iff(this, value)))
        else:
            self.constraints.append(_iff(this, value))
        return self._deps_of(item)

    def _visibility(self, nodes: list[kl.MenuNode]) -> c.Cond:
        return c.or_(*(self.expr(n.prompt[1]) for n in nodes if n.prompt))

    def _default(self, sym: kl.Symbol) -> c.Cond:
        """The first default whose condition holds (a priority chain)."""
        chosen: list[c.Cond] = []
        earlier: list[c.Cond] = []
        for value, cond in sym.defaults:
            when = self.expr(cond)
            chosen.append(c.and_(when, *(c.not_(e) for e in earlier), self.expr(value)))
            earlier.append(when)
        return c.or_(*chosen)

    def _constrain_choice(self, choice: kl.Choice) -> list[kl.Symbol | kl.Choice]:
        this = c.Sym(choice_name(choice))
        vis = self._visibility(choice.nodes)
        if getattr(choice, "is_optional", False):
            self.constraints.append(c.implies(this, vis))
        else:
            self.constraints.append(_iff(this, vis))
        members = [m for m in choice.syms if m.orig_type in _TRI]
        visible = [self._visibility(m.nodes) for m in members]
        for m, m_vis in zip(members, visible, strict=True):
            self.constraints.append(c.implies(c.Sym(m.name), c.and_(this, m_vis)))
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                self.constraints.append(c.not_(c.and_(c.Sym(a.name), c.Sym(b.name))))
        some_member = c.or_(*(c.Sym(m.name) for m in members))
        self.constraints.append(c.implies(c.and_(this, c.or_(*visible)), some_member))
        deps: list[kl.Symbol | kl.Choice] = list(members)
        for node in choice.nodes:
            deps.extend(_items(node.prompt[1] if node.prompt else None))
            deps.extend(_items(node.dep))
        return deps

    def _deps_of(self, sym: kl.Symbol) -> list[kl.Symbol | kl.Choice]:
        exprs: list[object] = [sym.rev_dep, sym.weak_rev_dep, sym.direct_dep]
        for value, cond in sym.defaults:
            exprs += [value, cond]
        exprs += [n.prompt[1] for n in sym.nodes if n.prompt]
        out: list[kl.Symbol | kl.Choice] = []
        for e in exprs:
            out.extend(_items(e))
        return out


def _items(e: object) -> list[kl.Symbol | kl.Choice]:
    if e is None:
        return []
    return [i for i in kl.expr_items(e) if isinstance(i, kl.Choice) or not i.is_constant]


def _chain(e: tuple, op: int) -> list[object]:
    """The operands of a chain of ``op`` (kconfiglib nests ``a || b || c`` as
    ``((a || b) || c)``; a ``rev_dep`` can hold hundreds): built at once, not pairwise."""
    out: list[object] = []
    todo: list[object] = [e]
    while todo:
        x = todo.pop()
        if isinstance(x, tuple) and x[0] == op:
            todo += [x[2], x[1]]
        else:
            out.append(x)
    return out


def _is_tristate(sym: kl.Symbol) -> bool:
    return not sym.is_constant and sym.orig_type == kl.TRISTATE


def _model_or(model: c.Cond, free: c.Cond) -> c.Cond:
    """``model`` when the model toolchain is asked about, else ``free``."""
    return c.or_(c.and_(MODEL, model), c.and_(c.not_(MODEL), free))


def _iff(a: c.Cond, b: c.Cond) -> c.Cond:
    return c.and_(c.implies(a, b), c.implies(b, a))
