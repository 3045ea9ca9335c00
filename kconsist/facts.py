"""Facts of one architecture, as rules ask for them: C facts with the condition under
which they are compiled, Kconfig selects with the condition under which they are in
effect, all as :mod:`kconsist.cond` conditions over the arch's Kconfig symbols.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

import kconfiglib as kl

from kconsist import cond as c
from kconsist import effective, sat
from kconsist.cfacts import CFact, FileFacts, asmgeneric, may_declare, pp, scan_text, uses
from kconsist.cfacts.includes import IncludeGraph, generic_asm_includes
from kconsist.cfacts.kbuild import asm_generic_wrappers
from kconsist.cfacts.reach import foreign_reach
from kconsist.findings import Fact
from kconsist.kconfig.formula import USER_PREFIX, KconfigFormula
from kconsist.kconfig.load import load_kconfig
from kconsist.kconfig.preprocess import PROBE_PREFIX
from kconsist.rulelang import CFactSpec, FactSpec, GuardFactSpec, KconfigFactSpec, path_glob
from kconsist.tree import ArchEnv, KernelTree, TreeError, per_tree_state

_TESTED = re.compile(r"\bCONFIG_(\w+)")


def _base(name: str) -> str:
    return name.removesuffix("_MODULE")  # CONFIG_X_MODULE: set by Kconfig for X=m


_SET_ELSEWHERE = re.compile(r"(?:#\s*define\s+|-D)CONFIG_(\w+)")
_BOOLISH = (kl.BOOL, kl.TRISTATE)


def context(line: str) -> str:
    """A line as part of a finding's identity: whitespace collapsed."""
    return " ".join(line.split())


@dataclass
class ArchContext:
    """Everything known about one arch of a tree; loaded lazily, cached."""

    tree: KernelTree
    env: ArchEnv
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    _c_cache: dict[tuple[str, tuple[str, ...], str], list[Fact]] = field(default_factory=dict)
    _kconfig_lines: dict[str, list[str]] = field(default_factory=dict)
    _others: dict[str, ArchContext] = field(default_factory=dict)
    possible: dict[c.Cond, bool] = field(default_factory=dict)  # engine.possible's answers
    # Texts of the C files read, for the arch's life: a rule pack asks each file about
    # many names (one family row each), and reading it once per name dominated.
    _texts: dict[str, str | None] = field(default_factory=dict)
    _parsed: dict[str, FileFacts] = field(default_factory=dict)  # every fact of a file
    _asked: dict[str, set[str]] = field(default_factory=dict)  # names asked of a file
    _use_cache: dict[tuple[str, tuple[str, ...], str], list[Fact]] = field(default_factory=dict)
    _providers: dict[tuple[str, ...], dict[str, c.Cond]] = field(default_factory=dict)
    _exact_builds: dict[str, bool] = field(default_factory=dict)  # build_is_exact's answers

    @property
    def arch(self) -> str:
        return self.env.name

    @cached_property
    def kconf(self) -> kl.Kconfig:
        return load_kconfig(self.tree, self.env)

    def other(self, arch: str) -> ArchContext:
        """The context of another arch of the same tree (one whose build reaches into
        this arch's directory), made once."""
        if arch not in self._others:
            self._others[arch] = ArchContext(self.tree, self.tree.arch_env(arch))
        return self._others[arch]

    def guard_condition(self, nest: c.Cond) -> c.Cond:
        """An ``#if`` nest as this arch's build reads it (its compiler macros, its
        Kconfig), wherever the file is; by any pass (genksyms, sparse, assembler)."""
        return self._effective(effective.open_passes(nest))

    def in_any_pass(self, fact: Fact) -> tuple[c.Cond, c.Cond] | None:
        """A guard's condition and its surrounding's as any pass of this arch's build
        reads them (the compiler, genksyms, sparse, the assembler), with the file's own
        condition; None when no pass macro takes part (they are the fact's own then)."""
        if fact.nest is None or fact.nest_outer is None:
            return None
        file_cond = self._file_condition(fact.file)
        if not (effective.names_pass(fact.nest) or effective.names_pass(file_cond)):
            return None
        both = (c.and_(n, file_cond) for n in (fact.nest, fact.nest_outer))
        cond, outer = (self._effective(effective.open_passes(n)) for n in both)
        return cond, outer

    @cached_property
    def includes(self) -> IncludeGraph:
        """Who includes whom among the arch's files: built once per arch and tree state,
        and dropped with the context."""
        return IncludeGraph.build(self.tree, self.arch)

    @cached_property
    def formula(self) -> KconfigFormula:
        transitional = frozenset(s.name for s in getattr(self.kconf, "transitional_syms", ()) or ())
        return KconfigFormula(self.kconf, transitional)

    @cached_property
    def solver(self) -> sat.Incremental:
        """The arch's one SAT solver: every question about it is asked of this."""
        return sat.Incremental()

    def facts(self, spec: FactSpec) -> list[Fact]:
        match spec:
            case CFactSpec():
                return self._c_facts(spec)
            case GuardFactSpec():
                return self._guard_facts(spec)
            case KconfigFactSpec(what="symbol"):
                return self._symbol_defs(spec)
        return self._selects(spec)

    # -- exact semantics --------------------------------------------------------

    def exact(self, cond: c.Cond) -> c.Cond:
        """``cond`` as Kconfig means it on this arch: a symbol the arch does not define
        is n; ``CONFIG_X`` of a defined symbol that is not bool or tristate (an int,
        a string), or ``CONFIG_X_MODULE``, is an unknown, never a free symbol."""
        return c.transform(cond, self._exact_leaf)

    def undefined(self, cond: c.Cond) -> list[str]:
        """The symbols of ``cond`` that the arch does not define."""
        return [n for n in c.symbols(cond) if self._exact_leaf(c.Sym(n)) == c.FALSE]

    def _exact_leaf(self, x: c.Cond) -> c.Cond:
        if not isinstance(x, c.Sym) or x.name.startswith(("<", USER_PREFIX, PROBE_PREFIX)):
            return x  # not a Kconfig name: the formula's own variables
        sym = self.kconf.syms.get(x.name)
        if sym is not None and sym.nodes:
            return x if sym.orig_type in _BOOLISH else c.Atom(f"defined(CONFIG_{x.name})")
        base = self.kconf.syms.get(x.name.removesuffix("_MODULE"))
        if x.name.endswith("_MODULE") and base and base.nodes and base.orig_type == kl.TRISTATE:
            return c.Atom(f"defined(CONFIG_{x.name})")
        return c.FALSE

    # -- C ----------------------------------------------------------------------

    def _c_facts(self, spec: CFactSpec) -> list[Fact]:
        out: list[Fact] = []
        for rel in self._files(spec.paths):
            out += self._facts_in(rel, spec)
        for rel, reach in self._generic_providers(spec).items():
            out += [replace(f, cond=c.and_(f.cond, reach)) for f in self._facts_in(rel, spec)]
        if spec.untested:
            tested = preprocessor_tests(self.tree, _literal_prefix(spec))
            out = [f for f in out if f.name not in tested]
        return sorted(set(out), key=lambda f: (f.file, f.line, f.name, f.kind))

    def names_matching(self, spec: CFactSpec) -> set[str]:
        """Every word of the files ``spec`` looks at that its regex matches in full,
        found without parsing: the candidates of a family per instance, which are
        then only parsed for where the family has members."""
        body = (spec.regex or "").removeprefix("^").removesuffix("$")
        out: set[str] = set()
        for rel in [*self._files(spec.paths), *self._generic_providers(spec)]:
            text = self._read(rel)
            if text:
                out |= _words_matching(body, spec, text)
        return out

    def _files(self, paths: tuple[str, ...]) -> list[str]:
        found: set[str] = set()
        for pattern in paths:
            found.update(self._matching_files(pattern.replace("{arch}", self.arch)))
        return sorted(found)

    def _matching_files(self, pattern: str) -> list[str]:
        static = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
        prefix = static.rsplit("/", 1)[0] if "/" in static else ""
        regex = path_glob(pattern)
        return [rel for rel in self.tree.files(prefix, (".c", ".h")) if regex.fullmatch(rel)]

    def _facts_in(self, rel: str, spec: CFactSpec) -> list[Fact]:
        """The instances of ``spec`` in file ``rel``: definitions, prototypes and
        macros, and calls and references where ``spec`` asks for them."""
        out = [f for f in self._file_facts(rel, spec) if f.kind in spec.kinds]
        if set(spec.kinds) & set(uses.USE_KINDS):
            out += [f for f in self._file_uses(rel, spec) if f.kind in spec.kinds]
        return out

    def _file_uses(self, rel: str, spec: CFactSpec) -> list[Fact]:
        key = (rel, spec.names, spec.regex or "")
        if key not in self._use_cache:
            self._use_cache[key] = self._scan_uses(rel, spec)
        return self._use_cache[key]

    def _scan_uses(self, rel: str, spec: CFactSpec) -> list[Fact]:
        text = self._read(rel)
        word = uses.word_pattern(spec.names, spec.regex)
        if text is None or not word.search(text):
            return []  # the fast path: most files mention none of the names
        defined = {(f.name, f.line) for f in self._file_facts(rel, spec)}
        result = uses.find_uses(text, rel, word, spec.wants, defined)
        self.problems.extend(p for p in result.problems if p not in self.problems)
        return self._with_conditions(rel, text, result.facts)

    def _with_conditions(self, rel: str, text: str, found: list[CFact]) -> list[Fact]:
        """``found`` (of file ``rel``, contents ``text``) as facts: each under its
        ``#if`` nest and its file's condition, as the arch's build reads them."""
        if not found:
            return []
        lines = text.splitlines()
        file_cond = self._file_condition(rel)
        return [
            Fact(
                f.kind,
                f.name,
                f.file,
                f.line,
                self._effective(c.and_(f.guard, file_cond)),
                context=context(lines[f.line - 1]) if f.line <= len(lines) else "",
            )
            for f in found
        ]

    def _generic_providers(self, spec: CFactSpec) -> dict[str, c.Cond]:
        """For a fact with ``asm-generic: true``, each include/asm-generic header the
        arch headers among its paths reach (or the Kbuild wrappers whose
        ``arch/<a>/include/asm/X.h`` its paths match), with the condition under which
        the arch reads it; a header the paths name directly is not one."""
        if not spec.asm_generic:
            return {}
        if spec.paths not in self._providers:
            files = self._files(spec.paths)
            own = f"arch/{self.arch}/include/"
            headers = [r for r in files if r.startswith(own) and r.endswith(".h")]
            regexes = [path_glob(p.replace("{arch}", self.arch)) for p in spec.paths]
            wrapped = [
                h
                for h in asm_generic_wrappers(self.tree, self.arch)
                if any(r.fullmatch(f"{own}asm/{h}") for r in regexes)
            ]
            reached = asmgeneric.providers(self.includes, headers, wrapped)
            direct = set(files)
            self._providers[spec.paths] = {
                rel: self._effective(cond) for rel, cond in reached.items() if rel not in direct
            }
        return self._providers[spec.paths]

    def _file_facts(self, rel: str, spec: CFactSpec) -> list[Fact]:
        key = (rel, spec.names, spec.regex or "")
        if key not in self._c_cache:
            self._c_cache[key] = self._scan(rel, spec)
        return self._c_cache[key]

    def _read(self, rel: str) -> str | None:
        if rel in self._texts:
            return self._texts[rel]
        try:
            text: str | None = self.tree.read_text(rel)
        except TreeError as e:
            self.problems.append((rel, 0, e.message))
            text = None
        self._texts[rel] = text
        return text

    def _scan(self, rel: str, spec: CFactSpec) -> list[Fact]:
        text = self._read(rel)
        if text is None:
            return []
        if spec.regex:
            # Every name in the file, then those the regex matches; only files where
            # it matches at all are read, and parsed only where a name it matches in
            # full may be declared (else the line scan's facts are all there is).
            body = spec.regex.removeprefix("^").removesuffix("$")
            if not re.search(body, text):
                return []
            if rel in self._parsed or may_declare(text, _words_matching(body, spec, text)):
                result = self._every_fact(rel, text)
            else:
                result = scan_text(text, rel, None, parse=False)
                self.problems.extend(p for p in result.problems if p not in self.problems)
        elif not any(n in text for n in spec.names):
            return []  # the fast path: most files mention none of the names
        elif rel in self._parsed or (
            self._asked.setdefault(rel, set()) - set(spec.names) and may_declare(text, spec.names)
        ):
            # Asked about other names before: parse it once for all of them (a rule
            # pack asks a header about many names, one family row each).
            result = self._every_fact(rel, text)
        else:
            self._asked[rel].update(spec.names)
            result = scan_text(text, rel, spec.names)  # not parsed where all are uses
            self.problems.extend(p for p in result.problems if p not in self.problems)
        return self._with_conditions(rel, text, [f for f in result.facts if spec.wants(f.name)])

    def _every_fact(self, rel: str, text: str) -> FileFacts:
        if rel not in self._parsed:
            self._parsed[rel] = scan_text(text, rel, None)
            self.problems.extend(self._parsed[rel].problems)
        return self._parsed[rel]

    def _file_condition(self, rel: str) -> c.Cond:
        return effective.file_condition(self.tree, self.arch, rel, lambda: self.includes)

    def _effective(self, cond: c.Cond) -> c.Cond:
        return self.exact(effective.map_compiler_macros(cond, self.arch))

    def _guard_facts(self, spec: GuardFactSpec) -> list[Fact]:
        out: list[Fact] = []
        wanted = re.compile(spec.regex)
        for rel in self._files(spec.paths):
            text = self._read(rel)
            if text is None or "CONFIG_" not in text:
                continue
            if spec.undefined and not self._names_undefined(text):
                continue  # the common case, decided without parsing the file
            out += self._guards_of(rel, text, wanted, spec.undefined)
        return out

    def _names_undefined(self, text: str) -> bool:
        return any(self.defined_nowhere(n) for n in _TESTED.findall(text))

    def defined_nowhere(self, name: str) -> bool:
        """Whether nothing sets ``CONFIG_<name>``: no Kconfig file of the tree defines
        it (nor, for ``X_MODULE``, X), no ``#define`` or ``-D`` sets it. A test of it
        is constant on every arch (what ``guard: {undefined: true}`` facts are)."""
        known = self._defined_elsewhere
        return name not in known and _base(name) not in known

    def opened(self, fact: Fact) -> Fact:
        """A guard as ``possible:`` checks read it: each name of its ``#if`` nest that
        nothing sets (:meth:`defined_nowhere`) an unknown instead of n; the fact itself
        when it tests none. Such a test is the dead-config-symbol rule's finding: a
        branch dead only through it is reported there, once; one dead for another
        reason as well is still dead. The fact's own condition, which other checks
        use, keeps the name as n, as Kconfig means it."""
        if fact.nest is None or fact.nest_outer is None:
            return fact
        if not any(self.defined_nowhere(n) for n in c.symbols(fact.nest)):
            return fact
        nest, nest_outer = (self._open_undefined(n) for n in (fact.nest, fact.nest_outer))
        file_cond = self._file_condition(fact.file)
        cond, outer = (self._effective(c.and_(n, file_cond)) for n in (nest, nest_outer))
        return replace(fact, cond=cond, outer=outer, nest=nest, nest_outer=nest_outer)

    def _open_undefined(self, cond: c.Cond) -> c.Cond:
        def leaf(x: c.Cond) -> c.Cond:
            if isinstance(x, c.Sym) and self.defined_nowhere(x.name):
                return c.Atom(f"set by nothing: CONFIG_{x.name}")
            return x

        return c.transform(cond, leaf)

    def build_is_exact(self, rel: str) -> bool:
        """Whether the Kbuild condition of ``rel`` can be trusted to be complete: a
        ``.c`` whose object its directory's Makefile names once (arch/powerpc/kvm names
        book3s_pr.o in two lists, one reached through ``kvm-objs-$(CONFIG_X) :=
        $(list)``, which the Kbuild reader does not follow); headers and files outside a
        build list are not judged by their Kbuild condition."""
        if not rel.endswith(".c"):
            return True
        if rel not in self._exact_builds:  # asked for each guard of the file
            self._exact_builds[rel] = self._named_once(rel)
        return self._exact_builds[rel]

    def _named_once(self, rel: str) -> bool:
        directory, name = rel.rsplit("/", 1)
        pattern = re.compile(rf"(?<![\w-]){re.escape(name[:-2])}\.o\b")
        count = 0
        for mk in ("Makefile", "Kbuild"):
            try:
                count += len(pattern.findall(self.tree.read_text(f"{directory}/{mk}")))
            except TreeError:
                continue
        return count <= 1

    @cached_property
    def set_outside_kconfig(self) -> frozenset[str]:
        """``CONFIG_`` names a ``#define`` or ``-D`` in the arch's files or include/
        sets: not (only) Kconfig's to decide."""
        return _set_outside_kconfig(self.tree, f"arch/{self.arch}") | _set_outside_kconfig(
            self.tree, "include"
        )

    @cached_property
    def _defined_elsewhere(self) -> frozenset[str]:
        """``CONFIG_`` names that something other than Kconfig sets: every Kconfig
        symbol of the tree, and each ``#define CONFIG_X`` / ``-DCONFIG_X`` in the arch's
        files or include/ (parisc's cache.c defines CONFIG_FLUSH_PAGE_ACCESSED itself)."""
        return frozenset(self.tree.kconfig_symbols()) | self.set_outside_kconfig

    def _guards_of(
        self, rel: str, text: str, wanted: re.Pattern[str], undefined: bool = False
    ) -> list[Fact]:
        scan = pp.scan(text)
        lines = text.splitlines()
        file_cond: c.Cond | None = None
        out = []
        for d, outer, body in scan.branches:
            tested = [n for n in _TESTED.findall(d.rest) if wanted.fullmatch(n)]
            if undefined:
                tested = [n for n in tested if self.defined_nowhere(n)]
            if not tested:
                continue
            if file_cond is None:
                file_cond = self._file_condition(rel)
            out.append(
                Fact(
                    "guard",
                    tested[0],
                    rel,
                    d.line,
                    self._effective(c.and_(body, file_cond)),
                    context=context(lines[d.line - 1]),
                    outer=self._effective(c.and_(outer, file_cond)),
                    nest=body,
                    nest_outer=outer,
                    asserts=d.line in scan.asserting,
                )
            )
        return out

    # -- Kconfig ----------------------------------------------------------------

    def _selects(self, spec: KconfigFactSpec) -> list[Fact]:
        """``select``/``imply`` sites: in effect when their symbol is on and their
        ``if`` holds; ``outer`` is their symbol being on."""
        out = []
        regexes = [path_glob(p.replace("{arch}", self.arch)) for p in spec.paths]
        index = self._select_index[spec.what]
        targets = [spec.symbol] if spec.symbol else [t for t in index if spec.wants(t)]
        sites = sorted(
            (e for name in targets for e in index.get(name or "", [])), key=lambda e: e[0]
        )  # in Kconfig order, as the tree reads
        for _, rel, node, item, site, nth in sites:
            if regexes and not any(r.fullmatch(rel) for r in regexes):
                continue
            out.append(self._select_fact(spec.what, rel, node, item, site, nth))
        return out

    @cached_property
    def _select_index(self) -> dict[str, dict[str, list[_SelectSite]]]:
        """Every select and imply site of the arch by target, read once: a rule pack
        asks for many symbols' selects."""
        index: dict[str, dict[str, list[_SelectSite]]] = {"select": {}, "imply": {}}
        for order, node in enumerate(self.kconf.node_iter()):
            item = node.item
            if not isinstance(item, kl.Symbol) or not (node.selects or node.implies):
                continue
            rel = self.tree.rel(node.filename)
            for what, sites in (("select", node.selects), ("imply", node.implies)):
                seen: dict[str, int] = {}  # an entry may select one symbol more than once
                for target, when in sites:
                    nth = seen[target.name] = seen.get(target.name, -1) + 1
                    entry = (order, rel, node, item, (target, when), nth)
                    index[what].setdefault(target.name, []).append(entry)
        return index

    def _select_fact(
        self,
        what: str,
        rel: str,
        node: kl.MenuNode,
        item: kl.Symbol,
        site: tuple[kl.Symbol, object],
        nth: int,
    ) -> Fact:
        target, when = site
        line = self.property_line(rel, node.linenr, what, target.name, nth)
        owner = c.Sym(item.name)
        text = self._line(rel, line)
        # Selecting a symbol the arch does not define has no effect: never in effect.
        effect = c.TRUE if self.formula.defines(target.name) else c.FALSE
        return Fact(
            what,
            target.name,
            rel,
            line,
            c.and_(owner, self.formula.expr(when), effect),
            context(text),
            owner,
        )

    def _line(self, rel: str, line: int) -> str:
        lines = self._lines(rel)
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def _lines(self, rel: str) -> list[str]:
        if rel not in self._kconfig_lines:
            try:
                self._kconfig_lines[rel] = self.tree.read_text(rel).splitlines()
            except TreeError:
                self._kconfig_lines[rel] = []
        return self._kconfig_lines[rel]

    def _symbol_defs(self, spec: KconfigFactSpec) -> list[Fact]:
        sym = self.kconf.syms.get(spec.symbol)
        if sym is None:
            return []
        out = []
        for n in sym.nodes:
            rel = self.tree.rel(n.filename)
            text = context(self._line(rel, n.linenr))
            out.append(Fact("symbol", sym.name, rel, n.linenr, self.formula.expr(n.dep), text))
        return out

    def property_line(
        self, rel: str, entry_line: int, keyword: str, target: str, nth: int = 0
    ) -> int:
        """The line of the ``nth`` ``keyword target`` inside the entry that starts at
        ``entry_line`` (kconfiglib keeps only the entry's line)."""
        lines = self._lines(rel)
        wanted = re.compile(rf"\s*{keyword}\s+{re.escape(target)}\b")
        for i in range(entry_line, len(lines)):  # from the line after the entry's own
            if _ENTRY_START.match(lines[i]):
                break
            if wanted.match(lines[i]):
                if nth == 0:
                    return i + 1
                nth -= 1
        return entry_line


def _words_matching(body: str, spec: CFactSpec, text: str) -> set[str]:
    """The words of ``text`` that ``spec``'s regex (``body``, unanchored) matches in full
    (``spec.wants``: a "$" in the regex means the name's end)."""
    found = re.finditer(rf"(?<!\w)(?:{body})(?!\w)", text)
    return {n for m in found if spec.wants(n := m.group(0))}


# (Kconfig order, file, entry, symbol, (target, if), nth select of that target)
_SelectSite = tuple[int, str, kl.MenuNode, kl.Symbol, tuple[kl.Symbol, object], int]

_ENTRY_START = re.compile(
    r"\s*(config|menuconfig|choice|endchoice|menu|endmenu|if|endif|source|comment)\b"
)


# -- names the tree's preprocessor tests (for "untested" C facts) ---------------------

_PP_TEST = re.compile(r"^[ \t]*#[ \t]*(?:if|ifdef|ifndef|elif|elifdef|elifndef)\b(.*)$", re.M)
_WORD = re.compile(r"[A-Za-z_]\w*")


def _literal_prefix(spec: CFactSpec) -> str:
    """Text every wanted name starts with (a cheap filter on which files to read)."""
    if not spec.regex:
        return ""
    m = re.match(r"\^?([A-Za-z0-9_]+)", spec.regex)
    return m.group(1) if m and not re.search(r"[?*|]", spec.regex[: m.end() + 1]) else ""


@per_tree_state
def preprocessor_tests(tree: KernelTree, prefix: str = "") -> frozenset[str]:
    """Every identifier an ``#if``-family line of a .c, .h or .S file of the tree
    mentions (continuation lines joined), among files that contain ``prefix``. Read
    once per tree state and prefix."""
    names: set[str] = set()
    for rel in tree.files("", (".c", ".h", ".S")):
        if prefix and not tree.mentions(rel, prefix):
            continue
        try:
            text = tree.read_text(rel)
        except TreeError:
            continue  # reported by the arches that read it for facts
        for line in _PP_TEST.findall(text.replace("\\\n", " ")):
            names.update(_WORD.findall(line))
    return frozenset(names)


@per_tree_state
def _set_outside_kconfig(tree: KernelTree, base: str) -> frozenset[str]:
    """``CONFIG_`` names a ``#define`` or ``-D`` under ``base`` sets; once per tree state."""
    names: set[str] = set()
    for rel in tree.files(base):
        try:
            text = tree.read_text(rel)
        except TreeError:
            continue
        if "CONFIG_" in text:
            names.update(_SET_ELSEWHERE.findall(text))
    return frozenset(names)


def read_shared(tree: KernelTree, specs: list[FactSpec]) -> None:
    """Read now what every arch's facts of ``specs`` share (tree-wide scans), so that
    an audit's worker processes, forked after this, inherit it instead of each reading
    the whole tree again."""
    if any(isinstance(s, CFactSpec | GuardFactSpec) for s in specs):
        generic_asm_includes(tree)  # file conditions of arch headers
    for s in specs:
        if isinstance(s, CFactSpec) and s.untested:
            preprocessor_tests(tree, _literal_prefix(s))
        elif isinstance(s, GuardFactSpec):
            # Which CONFIG_ names nothing sets: the undefined guards, and possible:
            # checks of any guard (ArchContext.opened).
            tree.kconfig_symbols()
            _set_outside_kconfig(tree, "include")
            if not s.undefined:
                foreign_reach(tree)  # for possible: checks of code other arches build
