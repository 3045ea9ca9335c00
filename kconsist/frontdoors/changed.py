"""Which arches a set of changed files can affect, driven by the rules.

One mechanism for every front door (``audit --changed-from/--file``, the pre-commit
hook, ``check-patch``, ``series``):

- a file under ``arch/<a>/`` affects ``<a>`` (also when the change deletes the arch's
  Kconfig: then ``<a>`` is an input error, never left out silently);
- a ``Kconfig*`` file outside ``arch/``, and any file under ``include/asm-generic/`` or
  ``mm/``, affects every arch;
- a file matching a rule's C fact path glob (``paths``, ``{arch}`` replaced by an arch)
  affects that arch (a glob without ``{arch}`` affects every arch the rule applies to);
- anything else affects none.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from kconsist import git
from kconsist.rulelang import CFactSpec, GuardFactSpec, Rule, path_glob
from kconsist.tree import KernelTree

GENERIC_DIRS = ("include/asm-generic/", "mm/")


def affected_arches(rel: str, rules: Sequence[Rule], known: Sequence[str]) -> set[str]:
    """The arches (among ``known``) that a change to tree-relative ``rel`` can affect."""
    parts = PurePosixPath(rel).parts
    if len(parts) > 2 and parts[0] == "arch":
        return {parts[1]} & set(known)
    if (parts and parts[-1].startswith("Kconfig")) or rel.startswith(GENERIC_DIRS):
        return set(known)
    return {a for a in known if any(_rule_reads(rule, a, rel) for rule in rules)}


def _rule_reads(rule: Rule, arch: str, rel: str) -> bool:
    if not rule.applies_to(arch):
        return False
    specs = [s for s in rule.facts.values() if isinstance(s, CFactSpec | GuardFactSpec)]
    patterns = {p.replace("{arch}", arch) for s in specs for p in s.paths}
    return any(path_glob(p).fullmatch(rel) for p in patterns)


def arches_for_files(
    tree: KernelTree, rules: Sequence[Rule], files: Iterable[str], arches: Sequence[str] | None
) -> list[str]:
    """Sorted arches that ``files`` (tree-relative) affect, limited to ``arches`` if given.
    An arch whose Kconfig the change deletes is one of them: checking it reports that
    it can no longer be checked, rather than nothing."""
    files = list(files)
    known = list(arches) if arches else [*tree.arches(), *removed_arches(tree, files)]
    found: set[str] = set()
    for rel in files:
        found |= affected_arches(rel, rules, known)
    return sorted(found)


def removed_arches(tree: KernelTree, files: Iterable[str]) -> list[str]:
    """The arches among ``files`` whose ``arch/<a>/Kconfig`` the tree no longer has."""
    out = set()
    for rel in files:
        parts = PurePosixPath(rel).parts
        if len(parts) == 3 and parts[::2] == ("arch", "Kconfig") and not tree.exists(rel):
            out.add(parts[1])
    return sorted(out)


def arches_to_check(
    tree: KernelTree,
    rules: Sequence[Rule],
    changed_from: str | None,
    files: Sequence[str],
    arches: Sequence[str] | None,
) -> list[str]:
    """The arches ``kconsist audit --changed-from REF --file FILE`` checks."""
    changed = [tree_relative(tree, f) for f in files]
    if changed_from:
        changed += git.changed_files(tree.root, changed_from)
    return arches_for_files(tree, rules, changed, arches)


def tree_relative(tree: KernelTree, name: str) -> str:
    """``name`` as a tree-relative path: absolute or relative to the current directory
    when that lies inside the tree, else taken as relative to the tree."""
    path = Path(os.path.normpath(Path.cwd() / name))
    if path.is_relative_to(tree.root):
        return path.relative_to(tree.root).as_posix()
    return PurePosixPath(name).as_posix()
