"""Shared fixtures: the real kernel trees of kernel_trees.py, or a skip."""

from __future__ import annotations

import pytest
from kernel_trees import newest, real_trees

from kconsist.tree import KernelTree


@pytest.fixture(scope="session")
def newest_tree() -> KernelTree:
    """The newest real tree, after the PT_RECLAIM series (7.x)."""
    tree = newest()
    if tree is None:
        pytest.skip("no real 7.x kernel tree in KCONSIST_KERNEL_TREE")
    return tree


@pytest.fixture(scope="session")
def tree_6_12() -> KernelTree:
    trees = [t for t in real_trees() if t.version == (6, 12)]
    if not trees:
        pytest.skip("no real 6.12 kernel tree in KCONSIST_KERNEL_TREE")
    return trees[-1]


@pytest.fixture(autouse=True)
def _own_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test its own kconsist cache directory (never the user's): what one test
    leaves there cannot decide another's result."""
    monkeypatch.setenv("KCONSIST_CACHE_DIR", str(tmp_path_factory.mktemp("kconsist-cache")))
