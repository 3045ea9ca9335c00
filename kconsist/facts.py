"""Facts of one architecture, as rules ask for them: C facts with the condition under
which they are compiled, Kconfig selects with the condition under which they are in
effect, all as :mod:`kconsist.cond` conditions over the arch's Kconfig symbols.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import kconfiglib as kl

from kconsist import cond as c
from kconsist import effective
from kconsist.cfacts import scan_text
from kconsist.cfacts.includes import IncludeGraph
from kconsist.findings import Fact
from kconsist.kconfig.formula import KconfigFormula
from kconsist.kconfig.load import load_kconfig
from kconsist.rulelang import CFactSpec, FactSpec, KconfigFactSpec, path_glob
from kconsist.tree import ArchEnv, KernelTree, TreeError


@dataclass
class ArchContext:
    """Everything known about one arch of a tree; loaded lazily, cached."""

    tree: KernelTree
    env: ArchEnv
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    _c_cache: dict[tuple[str, tuple[str, ...]], list[Fact]] = field(default_factory=dict)

    @property
    def arch(self) -> str:
        return self.env.name

    @cached_property
    def kconf(self) -> kl.Kconfig:
        return load_kconfig(self.tree, self.env)

    @cached_property
    def includes(self) -> IncludeGraph:
        """Who includes whom among the arch's files: built once per arch and tree state,
        and dropped with the context."""
        return IncludeGraph.build(self.tree, self.arch)

    @cached_property
    def formula(self) -> KconfigFormula:
        transitional = frozenset(s.name for s in getattr(self.kconf, "transitional_syms", ()) or ())
        return KconfigFormula(self.kconf, transitional)

    def facts(self, spec: FactSpec) -> list[Fact]:
        if isinstance(spec, CFactSpec):
            return self._c_facts(spec)
        if spec.what == "select":
            return self._selects(spec)
        return self._symbol_defs(spec)

    # -- C ----------------------------------------------------------------------

    def _c_facts(self, spec: CFactSpec) -> list[Fact]:
        out: list[Fact] = []
        for pattern in spec.paths:
            for rel in self._matching_files(pattern.replace("{arch}", self.arch)):
                out += [f for f in self._file_facts(rel, spec.names) if f.kind in spec.kinds]
        return sorted(set(out), key=lambda f: (f.file, f.line))

    def _matching_files(self, pattern: str) -> list[str]:
        static = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
        prefix = static.rsplit("/", 1)[0] if "/" in static else ""
        regex = path_glob(pattern)
        return [rel for rel in self.tree.files(prefix, (".c", ".h")) if regex.fullmatch(rel)]

    def _file_facts(self, rel: str, names: tuple[str, ...]) -> list[Fact]:
        key = (rel, names)
        if key not in self._c_cache:
            self._c_cache[key] = self._scan(rel, names)
        return self._c_cache[key]

    def _scan(self, rel: str, names: tuple[str, ...]) -> list[Fact]:
        try:
            text = self.tree.read_text(rel)
        except TreeError as e:
            self.problems.append((rel, 0, e.message))
            return []
        result = scan_text(text, rel, names)
        self.problems.extend(result.problems)
        if not result.facts:
            return []
        file_cond = effective.file_condition(self.tree, self.arch, rel, self.includes)
        return [
            Fact(
                f.kind,
                f.name,
                f.file,
                f.line,
                effective.map_compiler_macros(c.and_(f.guard, file_cond), self.arch),
            )
            for f in result.facts
        ]

    # -- Kconfig ----------------------------------------------------------------

    def _selects(self, spec: KconfigFactSpec) -> list[Fact]:
        out = []
        for node in self.kconf.node_iter():
            item = node.item
            if not isinstance(item, kl.Symbol):
                continue
            for target, when in node.selects:
                if target.name == spec.symbol:
                    rel = self.tree.rel(node.filename)
                    line = self.property_line(rel, node.linenr, "select", spec.symbol)
                    expr = c.and_(c.Sym(item.name), self.formula.expr(when))
                    out.append(Fact("select", spec.symbol, rel, line, expr))
        return out

    def _symbol_defs(self, spec: KconfigFactSpec) -> list[Fact]:
        sym = self.kconf.syms.get(spec.symbol)
        if sym is None:
            return []
        return [
            Fact("symbol", sym.name, self.tree.rel(n.filename), n.linenr, self.formula.expr(n.dep))
            for n in sym.nodes
        ]

    def property_line(self, rel: str, entry_line: int, keyword: str, target: str) -> int:
        """The line of ``keyword target`` inside the entry that starts at ``entry_line``
        (kconfiglib keeps only the entry's line)."""
        try:
            lines = self.tree.read_text(rel).splitlines()
        except TreeError:
            return entry_line
        wanted = re.compile(rf"\s*{keyword}\s+{re.escape(target)}\b")
        for i in range(entry_line, len(lines)):  # from the line after the entry's own
            if _ENTRY_START.match(lines[i]):
                break
            if wanted.match(lines[i]):
                return i + 1
        return entry_line


_ENTRY_START = re.compile(
    r"\s*(config|menuconfig|choice|endchoice|menu|endmenu|if|endif|source|comment)\b"
)
