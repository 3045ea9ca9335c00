"""Real kernel trees for integration tests: KCONSIST_KERNEL_TREE names them (paths joined
by ':'); `.ci/run` fetches 6.12 and the newest with ../shared/tools/get-kernel-tree.sh."""

from __future__ import annotations

import os

from kconsist.tree import KernelTree, TreeError


def real_trees() -> list[KernelTree]:
    """The trees named by KCONSIST_KERNEL_TREE, oldest first (unreadable ones left out)."""
    trees = []
    for path in filter(None, os.environ.get("KCONSIST_KERNEL_TREE", "").split(":")):
        try:
            trees.append(KernelTree.open(path))
        except TreeError:
            continue
    return sorted(trees, key=lambda t: t.version)


def newest() -> KernelTree | None:
    """The newest named tree if it is 7.x (after the PT_RECLAIM series), else None."""
    trees = [t for t in real_trees() if t.version >= (7, 0)]
    return trees[-1] if trees else None
