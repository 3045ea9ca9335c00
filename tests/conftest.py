"""Shared fixtures: real kernel trees named by KCONSIST_KERNEL_TREE (paths joined by ':')."""

from __future__ import annotations

import os

import pytest

from kconsist.tree import KernelTree, TreeError


def real_trees() -> list[KernelTree]:
    trees = []
    for path in filter(None, os.environ.get("KCONSIST_KERNEL_TREE", "").split(":")):
        try:
            trees.append(KernelTree.open(path))
        except TreeError:
            continue
    return sorted(trees, key=lambda t: t.version)


@pytest.fixture(scope="session")
def newest_tree() -> KernelTree:
    """The newest real tree, after the PT_RECLAIM series (7.x)."""
    trees = [t for t in real_trees() if t.version >= (7, 0)]
    if not trees:
        pytest.skip("no real 7.x kernel tree in KCONSIST_KERNEL_TREE")
    return trees[-1]


@pytest.fixture(scope="session")
def tree_6_12() -> KernelTree:
    trees = [t for t in real_trees() if t.version == (6, 12)]
    if not trees:
        pytest.skip("no real 6.12 kernel tree in KCONSIST_KERNEL_TREE")
    return trees[-1]
