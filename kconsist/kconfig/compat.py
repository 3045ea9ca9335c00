"""kconfiglib 14.1.0, taught the Kconfig language of current kernels.

kconfiglib stopped following the kernel around 5.13. :class:`KernelKconfig` closes
the gap *at the token level*: :meth:`KernelKconfig._tokenize` sees one logical line
at a time (help texts never reach it, comments and strings arrive as tokens), so file
names, line numbers, help texts and strings stay exactly as written.

Constructs handled (see ``docs/kconfig.md``):

``modules``
    The bare attribute (5.13+) becomes kconfiglib's ``option modules``.
``transitional``
    (7.x) Recorded in :attr:`KernelKconfig.transitional_syms`; the line itself becomes
    blank. As in scripts/kconfig/symbol.c, such a symbol is always visible (so an old
    ``.config`` value is read and feeds defaults that name it), has no prompt, and is
    never written out. Any property other than help is an error, as in parser.y.
``depends on E if C``
    (7.x) Rewritten to the tokens of ``(E) || (T)`` where T is
    ``expr_trans_compare(C, E_EQUAL, n)`` of scripts/kconfig/expr.c, computed here on
    kconfiglib's parse of C: the parsed ``direct_dep`` is the C tools' own expression,
    built only from relations kconfiglib already evaluates (no helper symbol).
Evaluation (scripts/kconfig/symbol.c, checked against ``make alldefconfig``)
    An int/hex symbol with no value reads ``"0"``/``"0x0"`` (kconfiglib: ``""``);
    ``imply`` gives ``(default || implied) && dir_dep`` and promotes m to y only for
    bool, never a user value (kconfiglib: ``max`` and m->y whenever implied by y); an
    implied symbol is always written out. Since 6.11, a choice picks like
    ``sym_calc_choice()`` (most recently assigned visible y member, else the default
    unless set to n, else the first visible member without a user value, else the
    least recently assigned visible member).
Kconfig files
    Read through :meth:`kconsist.tree.KernelTree.read_text` (overlays included); the
    ``source`` glob asks the tree too.
Preprocessor
    ``$(shell,...)`` is interpreted by :mod:`kconsist.kconfig.preprocess`, never run;
    ``$(info,...)`` is kept as a warning instead of being printed; user function
    modules (``KCONFIG_FUNCTIONS``) are never imported.
"""

from __future__ import annotations

import fnmatch
import io
import itertools
import os
import re
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import kconfiglib
from kconfiglib import (
    AND,
    BOOL,
    EQUAL,
    GREATER,
    GREATER_EQUAL,
    LESS,
    LESS_EQUAL,
    NOT,
    OR,
    UNEQUAL,
    Choice,
    Kconfig,
    KconfigError,
    Symbol,
    expr_value,
)

from kconsist.kconfig import preprocess
from kconsist.tree import KernelTree, TreeError

# kconfiglib's token values (private names, fixed in 14.1.0, which pyproject pins).
_T = kconfiglib
_RELATIONS = (EQUAL, UNEQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL)
# First tokens that end the property list of a config entry.
_ENTRY_ENDERS = frozenset(
    {
        _T._T_CONFIG,
        _T._T_MENUCONFIG,
        _T._T_CHOICE,
        _T._T_ENDCHOICE,
        _T._T_MENU,
        _T._T_ENDMENU,
        _T._T_IF,
        _T._T_ENDIF,
        _T._T_COMMENT,
        _T._T_MAINMENU,
        *_T._SOURCE_TOKENS,
    }
)
# Lines that give a transitional symbol a property (parser.y rejects them).
_PROPERTY_TOKENS = frozenset(
    {
        _T._T_DEFAULT,
        _T._T_DEF_BOOL,
        _T._T_DEF_TRISTATE,
        _T._T_DEF_INT,
        _T._T_DEF_HEX,
        _T._T_DEF_STRING,
        _T._T_SELECT,
        _T._T_IMPLY,
        _T._T_RANGE,
        _T._T_PROMPT,
        _T._T_DEPENDS,
        _T._T_VISIBLE,
    }
)
_ASSIGNMENT = re.compile(r"\s*(?P<name>[^\s=:+$]+)\s*(?::=|\+=)")
_NO_FUNCTION_MODULE = "kconsist.kconfig._no_user_functions"

# -- process-wide hooks -------------------------------------------------------------
#
# Three kconfiglib internals are module globals, not methods: `iglob` (used by
# `source`), `_visibility` and `Symbol._rec_invalidate_if_has_prompt`. The wrappers
# below delegate to the originals unless the object belongs to a KernelKconfig, so
# plain kconfiglib users in the same process see no change.

_active = threading.local()
_orig_iglob = kconfiglib.iglob
_orig_visibility = kconfiglib._visibility
_orig_rec_invalidate = Symbol._rec_invalidate_if_has_prompt


def _iglob(pattern: str) -> Iterator[str]:
    kconf = getattr(_active, "kconf", None)
    if kconf is None:
        return _orig_iglob(pattern)
    return iter(kconf._tree_glob(pattern))


def _visibility(sc: Any) -> int:
    # symbol.c sym_calc_visibility(): a transitional symbol is always visible ("yes").
    if sc.__class__ is Symbol and sc in getattr(sc.kconfig, "_transitional_set", ()):
        return 2
    return _orig_visibility(sc)


def _rec_invalidate_if_has_prompt(sym: Symbol) -> None:
    # A user value of a transitional symbol matters although it has no prompt.
    if sym in getattr(sym.kconfig, "_transitional_set", ()):
        sym._rec_invalidate()
        return
    _orig_rec_invalidate(sym)


kconfiglib.iglob = _iglob
kconfiglib._visibility = _visibility
Symbol._rec_invalidate_if_has_prompt = _rec_invalidate_if_has_prompt

# -- evaluation as in scripts/kconfig/symbol.c ----------------------------------------
#
# Same pattern: `Symbol.str_value`/`tri_value` and `Choice._selection` are wrapped, and
# act differently only for the objects of a KernelKconfig.

_orig_str_value = Symbol.str_value.fget
_orig_tri_value = Symbol.tri_value.fget
_orig_set_value = Symbol.set_value
_orig_unset_value = Symbol.unset_value
_orig_selection = Choice._selection
_ZERO = {_T.INT: "0", _T.HEX: "0x0"}


def _is_word(token: Any) -> bool:
    return isinstance(token, Symbol | str)


def _is_ours(item: Any) -> bool:
    return isinstance(item.kconfig, KernelKconfig)


def _str_value(sym: Symbol) -> str:
    value = _orig_str_value(sym)
    if value == "" and sym.orig_type in _ZERO and _is_ours(sym):
        # sym_calc_value() starts an int from "0" and a hex from "0x0": a symbol
        # without user value or active default has that value (and a comparison
        # like `X = 0` holds), where kconfiglib has "". Ranges clamp 0 in both.
        value = sym._cached_str_val = _ZERO[sym.orig_type]
    return value


def _tri_value(sym: Symbol) -> int:
    if not sym.nodes and sym.name.startswith(preprocess.PROBE_PREFIX) and _is_ours(sym):
        probe = sym.kconfig.toolchain.probes.get(sym.name)
        return 2 if probe is not None and probe.model else 0  # the model's answer
    if (
        sym._cached_tri_val is None
        and sym.weak_rev_dep is not sym.kconfig.n
        and sym.choice is None
        and sym.orig_type in _T._BOOL_TRISTATE
        and _is_ours(sym)
    ):
        sym._cached_tri_val = _implied_tri_value(sym)
    return _orig_tri_value(sym)


def _implied_tri_value(sym: Symbol) -> int:
    """sym_calc_value() for a bool/tristate outside a choice that something implies."""
    vis = sym.visibility
    sym._write_to_conf = vis != 0
    if vis and sym.user_value is not None:
        value = min(sym.user_value, vis)  # an implied y never raises a user m
    else:
        value = 0
        for default, cond in sym.defaults:
            cond_value = expr_value(cond)
            if cond_value:
                value = min(expr_value(default), cond_value)
                break
        if value:
            sym._write_to_conf = True
        implied = expr_value(sym.weak_rev_dep)
        if implied == 1 and sym.type is BOOL:
            implied = 2
        if implied:
            # Written even when dir_dep is n (`# CONFIG_X is not set`); an m
            # dependency caps an implied y at m, as for a default.
            sym._write_to_conf = True
            value = min(max(value, implied), expr_value(sym.direct_dep))
    selected = expr_value(sym.rev_dep)
    if selected:
        if expr_value(sym.direct_dep) < selected:
            sym._warn_select_unsatisfied_deps()
        value = max(value, selected)
        sym._write_to_conf = True
    if value == 1 and sym.type is BOOL:
        value = 2
    return value


def _set_value(sym: Symbol, value: Any) -> bool:
    done = _orig_set_value(sym, value)
    if done and sym.choice is not None and _is_ours(sym):
        # confdata.c moves a member read from .config to the front of the choice's
        # priority list: remember the order of assignments.
        sym.kconfig._choice_order[sym] = next(sym.kconfig._choice_clock)
        sym.choice._rec_invalidate()
    return done


def _unset_value(sym: Symbol) -> None:
    _orig_unset_value(sym)
    if sym.choice is not None and _is_ours(sym):
        sym.choice._rec_invalidate()


def _selection(choice: Choice) -> Symbol | None:
    kconf = choice.kconfig
    if not _is_ours(choice) or not kconf._choice_rework or choice.tri_value != 2:
        return _orig_selection(choice)
    return _calc_choice(choice, kconf._choice_order)


def _calc_choice(choice: Choice, order: dict[Symbol, int]) -> Symbol | None:
    """symbol.c sym_calc_choice() (6.11+); members are bool since then."""
    visible = [sym for sym in choice.syms if sym.visibility]
    assigned = sorted(
        (sym for sym in visible if sym.user_value is not None),
        key=lambda sym: -order.get(sym, -1),
    )  # priority order: most recently assigned first
    for sym in assigned:
        if sym.user_value == 2:
            return sym
    default = _choice_default(choice, visible)
    if default is not None and default.user_value != 0:
        return default
    for sym in visible:
        if sym.user_value is None:
            return sym
    return assigned[-1] if assigned else None


def _choice_default(choice: Choice, visible: list[Symbol]) -> Symbol | None:
    """symbol.c sym_choice_default(): first visible default, else first visible."""
    for sym, cond in choice.defaults:
        if expr_value(cond) and sym.visibility:
            return sym
    return visible[0] if visible else None


Symbol.str_value = property(_str_value)
Symbol.tri_value = property(_tri_value)
Symbol.set_value = _set_value
Symbol.unset_value = _unset_value
Choice._selection = _selection


class _LockedFunctions(dict):  # type: ignore[type-arg]
    """Preprocessor functions that user modules cannot extend or replace."""

    def update(self, *args: Any, **kwargs: Any) -> None:
        return None


def trans_compare(expr: Any, op: int, sym: Symbol, kconf: Kconfig) -> Any:
    """Port of scripts/kconfig/expr.c ``expr_trans_compare()`` to kconfiglib trees.

    ``op`` is EQUAL or UNEQUAL and ``sym`` one of ``kconf.n/m/y``. The result uses
    only AND/OR/NOT and symbol relations, which kconfiglib evaluates like C does.
    """
    if expr.__class__ is Symbol:
        return (op, expr, sym)
    kind = expr[0]
    if kind in (AND, OR):
        left = trans_compare(expr[1], EQUAL, sym, kconf)
        right = trans_compare(expr[2], EQUAL, sym, kconf)
        result = expr  # C leaves the expression alone when comparing with m
        if sym is kconf.y:
            result = (kind, left, right)
        elif sym is kconf.n:
            result = (OR if kind is AND else AND, left, right)
        return (NOT, result) if op is UNEQUAL else result
    if kind is NOT:
        return trans_compare(expr[1], UNEQUAL if op is EQUAL else EQUAL, sym, kconf)
    # A relation: its value is only ever y or n.
    if sym is kconf.m:
        return kconf.n if op is EQUAL else kconf.y
    if (sym is kconf.y) == (op is EQUAL):
        return expr
    return (NOT, expr)


def expr_tokens(expr: Any) -> list[Any]:
    """Tokens that kconfiglib's parser turns back into exactly ``expr``."""
    if expr.__class__ is Symbol:
        return [expr]
    kind = expr[0]
    if kind is NOT:
        return [_T._T_NOT, _T._T_OPEN_PAREN, *expr_tokens(expr[1]), _T._T_CLOSE_PAREN]
    if kind in (AND, OR):
        joiner = _T._T_AND if kind is AND else _T._T_OR
        return [
            _T._T_OPEN_PAREN,
            *expr_tokens(expr[1]),
            _T._T_CLOSE_PAREN,
            joiner,
            _T._T_OPEN_PAREN,
            *expr_tokens(expr[2]),
            _T._T_CLOSE_PAREN,
        ]
    # Relations: the token values equal the expression operators (EQUAL is _T_EQUAL...)
    return [expr[1], kind, expr[2]]


def _tree_version(tree: KernelTree) -> tuple[int, int]:
    try:
        return tree.version
    except TreeError:
        return (99, 0)  # no Makefile (a test tree): the current language


# Whether lines tokenized by one Kconfig are templates for the next (_plain_tokens);
# off, each Kconfig is read as kconfiglib alone reads it (a benchmark's baseline).
SHARE_LINES = True
# Line -> (tokens, ((index, is constant, name) of each symbol)): see _plain_tokens.
_TEMPLATES: dict[str, tuple[tuple[Any, ...], tuple[tuple[int, bool, str], ...]]] = {}
_TEMPLATE_LIMIT = 400_000  # lines; a kernel has about 250,000 Kconfig lines in all


def _template(tokens: list[Any]) -> tuple[tuple[Any, ...], tuple[tuple[int, bool, str], ...]]:
    # Names only: a template holding a Symbol would keep its whole Kconfig alive.
    symbols = tuple(
        (i, t.is_constant, t.name) for i, t in enumerate(tokens) if t.__class__ is Symbol
    )
    return tuple(None if t.__class__ is Symbol else t for t in tokens), symbols


_BLOCK_KEYWORDS = {_T._T_ENDIF: "if", _T._T_ENDMENU: "menu", _T._T_ENDCHOICE: "choice"}


class KernelKconfig(Kconfig):
    """A :class:`kconfiglib.Kconfig` that reads current kernels from a KernelTree.

    Construct it with the kernel environment already in ``os.environ`` (see
    :func:`kconsist.kconfig.load.load_kconfig`, which does that).

    Extra attributes: ``tree``; ``transitional_syms`` (list of Symbol, in definition
    order); ``shell_calls`` (every interpreted ``$(shell,...)``, with its answer);
    ``toolchain`` (the probes left open, :class:`~kconsist.kconfig.preprocess.Toolchain`)
    and ``toolchain_syms`` (names of the symbols a toolchain answer gives a value).
    """

    _MODULES_NAME: ClassVar[str] = "MODULES"

    def __init__(self, tree: KernelTree, filename: str = "Kconfig") -> None:
        self.tree = tree
        self.transitional_syms: list[Symbol] = []
        self._transitional_set: set[Symbol] = set()
        self._transitional_lines: dict[Symbol, list[tuple[str, int, Any]]] = {}
        self._entry_lines: list[tuple[str, int, Any]] = []
        self._entry_sym: Symbol | None = None
        self.shell_calls: list[preprocess.ShellCall] = []
        self.toolchain = preprocess.Toolchain()
        self.toolchain_syms: set[str] = set()
        # Choice members' assignment order (see _calc_choice); 6.11 reworked choices.
        self._choice_order: dict[Symbol, int] = {}
        self._choice_clock = itertools.count()
        self._choice_rework = _tree_version(tree) >= (6, 11)
        previous = getattr(_active, "kconf", None)
        saved_functions_env = os.environ.get("KCONFIG_FUNCTIONS")
        os.environ["KCONFIG_FUNCTIONS"] = _NO_FUNCTION_MODULE
        _active.kconf = self
        try:
            super().__init__(filename, warn=True, warn_to_stderr=False)
        except RecursionError:
            # kconfiglib parses blocks and expressions recursively: a file that nests
            # thousands deep is an input error at the line being read.
            where = f"{self.filename}:{self.linenr}: " if self.filename else ""
            raise KconfigError(f"{where}nested too deeply to read") from None
        finally:
            _active.kconf = previous
            if saved_functions_env is None:
                del os.environ["KCONFIG_FUNCTIONS"]
            else:
                os.environ["KCONFIG_FUNCTIONS"] = saved_functions_env

    # -- preprocessor functions -------------------------------------------------------

    @property  # type: ignore[override]
    def _functions(self) -> dict[str, tuple[Any, int, int | None]]:
        return self._safe_functions

    @_functions.setter
    def _functions(self, table: dict[str, tuple[Any, int, int | None]]) -> None:
        # Kconfig._init() assigns its built-in table here: swap the functions that
        # would run a command or print.
        safe = _LockedFunctions(table)
        safe["shell"] = (preprocess.shell_fn, 1, 1)
        safe["info"] = (preprocess.info_fn, 1, 1)
        self._safe_functions = safe

    # -- blocks -----------------------------------------------------------------------

    def _parse_block(self, end_token: Any, parent: Any, prev: Any) -> Any:
        # kconfiglib reports an unclosed if/menu/choice as "expected 'endif' at end of
        # 'FILE'", naming no line: name the line that opened the block.
        if end_token is None:
            return super()._parse_block(end_token, parent, prev)
        # An 'if' node keeps no location; menu and choice nodes do.
        opened = (self.filename, self.linenr) if parent.item is None else None
        try:
            return super()._parse_block(end_token, parent, prev)
        except KconfigError as e:
            if not str(e).startswith("error: expected '"):
                raise  # located already, or another error
            file, line = opened or (parent.filename, parent.linenr)
            keyword = _BLOCK_KEYWORDS.get(end_token, "block")
            closing = "end" + keyword
            raise KconfigError(
                f"{file}:{line}: '{keyword}' without '{closing}' before the end of {file}"
            ) from None

    def _set_type(self, sc: Any, new_type: Any) -> None:
        # kconfiglib takes a type line after 'menu' or 'comment' for the entry's and
        # crashes on the menu's integer item; the C tools refuse it.
        if not isinstance(sc, (Symbol, Choice)):
            self._parse_error("a type belongs to a config or a choice entry")
        super()._set_type(sc, new_type)

    def _parse_help(self, node: Any) -> None:
        # kconfiglib crashes on a help text after 'menu' or 'comment' (the node has no
        # help slot); the C tools refuse it: only config and choice entries have help.
        if node.item in (kconfiglib.MENU, kconfiglib.COMMENT):
            self._parse_error("help belongs to a config or a choice entry")
        super()._parse_help(node)

    # -- files ------------------------------------------------------------------------

    def _tree_rel(self, path: str) -> str:
        prefix = self._srctree_prefix
        if path.startswith(prefix):
            return path[len(prefix) :]
        if os.path.isabs(path):
            raise KconfigError(
                f"{self.filename}:{self.linenr}: '{path}' is outside the kernel tree"
            )
        return path

    def _open(self, filename: str, mode: str) -> Any:
        if mode != "r" or not self._parsing_kconfigs:
            return super()._open(filename, mode)  # .config files, outputs
        rel = self._tree_rel(filename)
        try:
            text = self.tree.read_text(rel)
        except TreeError as e:
            raise KconfigError(f"{self.filename}:{self.linenr}: {rel}: {e.message}") from None
        return io.StringIO(text, newline=None)

    def _tree_glob(self, pattern: str) -> list[str]:
        rel = self._tree_rel(os.path.normpath(pattern))
        if not any(c in rel for c in "*?["):
            return [self._srctree_prefix + rel] if self.tree.exists(rel) else []
        fixed = rel.split("/")
        base = []
        for part in fixed:
            if any(c in part for c in "*?["):
                break
            base.append(part)
        found = [
            path
            for path in self.tree.files("/".join(base) or ".")
            if len(path.split("/")) == len(fixed)
            and all(fnmatch.fnmatchcase(p, f) for p, f in zip(path.split("/"), fixed, strict=True))
        ]
        return [self._srctree_prefix + path for path in sorted(found)]

    # -- tokens -----------------------------------------------------------------------

    def _fn_val(self, args: Any) -> str:
        value = super()._fn_val(args)
        if len(args) == 1:
            self.toolchain.variable_read(args[0], value)
        return value

    def _tokenize(self, s: str) -> Any:
        if "transitional" in s and s.split("#", 1)[0].split() == ["transitional"]:
            self._mark_transitional()
            return (None,)
        if "$" in s:
            words = s.split("#", 1)[0].split()
            # Probes become probe symbols only in entries' expressions, never in what a
            # variable assignment or a bare $(error-if,...) line computes.
            self.toolchain.begin_line(bool(words) and _T._get_keyword(words[0]) is not None)
            tokens = super()._tokenize(s)
            self._note_toolchain(s, tokens)
        else:
            tokens = self._plain_tokens(s)  # no macro: no probe, no toolchain answer
        first = tokens[0]
        if first is _T._T_MODULES and tokens[1] is None:
            # 5.13+: bare `modules` replaced `option modules`.
            tokens = [_T._T_OPTION, _T._T_MODULES, None]
        elif first is _T._T_DEPENDS and any(t is _T._T_IF for t in tokens):
            tokens = self._conditional_depends(tokens)
        self._track_entry(tokens)
        return tokens

    def _plain_tokens(self, s: str) -> Any:
        """kconfiglib's tokens of a line without macros. Such a line tokenizes the same
        for every arch but for its symbols, which are each Kconfig's own: its tokens are
        kept as a template, with each symbol's name, for the next arch of the process
        (most Kconfig files are read by all of them; tokenizing is the parse's hot spot)."""
        template = _TEMPLATES.get(s) if self._parsing_kconfigs and SHARE_LINES else None
        if template is not None:
            tokens, symbols = template
            self._line = s  # what kconfiglib's error messages quote
            if not symbols:
                return list(tokens)
            out = list(tokens)
            syms, consts = self.syms, self.const_syms
            for i, is_constant, name in symbols:
                # kconfiglib's _lookup_(const_)sym, which make the symbol if it is new
                sym = (consts if is_constant else syms).get(name)
                if sym is None:
                    sym = self._lookup_const_sym(name) if is_constant else self._lookup_sym(name)
                out[i] = sym
            return out
        warned = len(self.warnings)
        tokens = super()._tokenize(s)
        # Not kept: a line of no entry (blank, comment, variable assignment: those run
        # code of their own), one that warned (the warning is the line's, each time).
        kept = SHARE_LINES and self._parsing_kconfigs and len(self.warnings) == warned
        if kept and tokens[0] is not None:
            if len(_TEMPLATES) >= _TEMPLATE_LIMIT:
                _TEMPLATES.clear()
            _TEMPLATES[s] = _template(tokens)
        return tokens

    def _note_toolchain(self, s: str, tokens: Any) -> None:
        if tokens[0] is None:
            if m := _ASSIGNMENT.match(s):
                self.toolchain.assigned(m["name"])
            return
        sym = self._entry_sym
        if sym is None or tokens[0] in _ENTRY_ENDERS:
            return
        words = [t.name if isinstance(t, Symbol) else t for t in tokens if _is_word(t)]
        if self.toolchain.line_is_toolchain_valued(words):
            self.toolchain_syms.add(sym.name)

    def _track_entry(self, tokens: Any) -> None:
        first = tokens[0]
        if first in _ENTRY_ENDERS:
            self._entry_lines = []
            is_config = first is _T._T_CONFIG or first is _T._T_MENUCONFIG
            self._entry_sym = tokens[1] if is_config and len(tokens) > 2 else None
        elif first is not None:
            has_prompt = first in _T._TYPE_TOKENS and tokens[1] is not None
            token = _T._T_PROMPT if has_prompt else first
            self._entry_lines.append((self.filename, self.linenr, token))

    def _mark_transitional(self) -> None:
        sym = self._entry_sym
        if sym is None or sym.__class__ is not Symbol:
            self._parse_error("'transitional' is only valid in a config entry")
        if sym not in self._transitional_set:
            self._transitional_set.add(sym)
            self.transitional_syms.append(sym)
        # Shared, not copied: property lines tokenized later in this entry count too.
        self._transitional_lines[sym] = self._entry_lines

    def _conditional_depends(self, tokens: Any) -> list[Any]:
        """`depends on E if C` -> tokens of `(E) || (trans_compare(C, =, n))`."""
        if_at = next(i for i, t in enumerate(tokens) if t is _T._T_IF)
        if tokens[1] is not _T._T_ON:
            return list(tokens)  # kconfiglib reports "expected 'on' after 'depends'"
        cond = self._parse_tokens(list(tokens[if_at + 1 :]))
        trans = trans_compare(cond, EQUAL, self.n, self)
        return [
            _T._T_DEPENDS,
            _T._T_ON,
            _T._T_OPEN_PAREN,
            *tokens[2:if_at],
            _T._T_CLOSE_PAREN,
            _T._T_OR,
            *expr_tokens(trans),
            None,
        ]

    def _parse_tokens(self, tokens: list[Any]) -> Any:
        # menu.c builds the condition before rewrite_m() runs, and rewrite_m() does
        # not look inside comparisons: so no `m -> m && MODULES` here.
        saved = self._tokens, self._tokens_i
        self._tokens, self._tokens_i = tokens, 0
        try:
            if tokens[0] is None:
                self._parse_error("expected expression after 'if'")
            expr = self._parse_expr(False)
            if self._tokens[self._tokens_i] is not None:
                self._trailing_tokens_error()
            return expr
        finally:
            self._tokens, self._tokens_i = saved

    # -- checks -----------------------------------------------------------------------

    def _finalize_node(self, node: Any, visible_if: Any) -> None:
        if node is self.top_node:
            self._check_transitional()
        super()._finalize_node(node, visible_if)

    def _check_transitional(self) -> None:
        """parser.y transitional_check_sanity(): only help may accompany the flag."""
        for sym in self.transitional_syms:
            for node in sym.nodes:
                if node.dep is not self.y:
                    raise self._transitional_error(node.filename, node.linenr)
                props = node.defaults or node.selects or node.implies or node.ranges
                if props or node.prompt:
                    file, line = self._first_property_line(sym, node)
                    raise self._transitional_error(file, line)

    def _first_property_line(self, sym: Symbol, node: Any) -> tuple[str, int]:
        for file, line, token in self._transitional_lines.get(sym, []):
            if token in _PROPERTY_TOKENS:
                return file, line
        return node.filename, node.linenr

    @staticmethod
    def _transitional_error(file: str, line: int) -> KconfigError:
        return KconfigError(f"{file}:{line}: transitional symbols can only have help sections")

    # -- .config output: transitional symbols are never written ------------------------

    def _hide_transitional(self) -> None:
        for sym in self.transitional_syms:
            _ = sym.str_value  # computes (and caches) the value and _write_to_conf
            sym._write_to_conf = False

    def _config_contents(self, header: str | None) -> str:
        self._hide_transitional()
        return super()._config_contents(header)

    def _autoconf_contents(self, header: str | None) -> str:
        self._hide_transitional()
        return super()._autoconf_contents(header)

    def _min_config_contents(self, header: str | None) -> str:
        self._hide_transitional()
        return super()._min_config_contents(header)

    def _old_vals_contents(self) -> str:
        self._hide_transitional()
        return super()._old_vals_contents()

    def sync_deps(self, path: str) -> None:
        self._hide_transitional()
        super().sync_deps(path)
