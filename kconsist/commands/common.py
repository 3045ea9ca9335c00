"""What the commands that check a tree share: which tree, arches and rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kconsist.rulelang import Rule, load_rules
from kconsist.tree import KernelTree


class UsageError(Exception):
    """The command line asks for something that does not exist (exit 2)."""


@dataclass(frozen=True)
class Selection:
    """``TREE`` (or ``--tree``), ``--arch``, ``--rules`` and ``--rule``."""

    tree: str = "."
    arches: tuple[str, ...] = ()  # empty: every arch
    rule_paths: tuple[Path, ...] = ()  # empty: the bundled rules
    rule_ids: tuple[str, ...] = ()  # empty: every rule
    max_file_size: int | None = None  # None: $KCONSIST_MAX_FILE_SIZE, else the default

    def rules(self) -> list[Rule]:
        rules = load_rules(list(self.rule_paths) or None, cached=True)
        if self.rule_ids:
            unknown = sorted(set(self.rule_ids) - {r.id for r in rules})
            if unknown:
                raise UsageError(f"unknown rule id: {', '.join(unknown)}")
            rules = [r for r in rules if r.id in self.rule_ids]
        return rules

    def open_tree(self) -> KernelTree:
        tree = KernelTree.open(self.tree, self.max_file_size)
        known = tree.arches()
        unknown = [a for a in self.arches if a not in known]
        if unknown:
            raise UsageError(
                f"no arch {', '.join(unknown)} in {self.tree} (known: {' '.join(known)})"
            )
        return tree

    def arch_filter(self) -> list[str] | None:
        """The arches named, or None for all."""
        return list(self.arches) or None
