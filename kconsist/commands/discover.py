"""``kconsist discover [TREE]``: candidate arch-override pairs as rule YAML."""

from __future__ import annotations

import sys

from kconsist import discover as finder
from kconsist import exitcodes, report
from kconsist.findings import Discovery
from kconsist.tree import KernelTree


def discover(tree_path: str, kinds: tuple[str, ...] = (), min_arches: int = 0) -> int:
    """Print the pairs of ``kinds`` (default: all) that at least ``min_arches`` arches
    take part in (define the function or opt in)."""
    tree = KernelTree.open(tree_path)
    found = [
        x
        for x in finder.candidates(tree)
        if (not kinds or x.kind in kinds) and len(set(x.override) | set(x.opt_in)) >= min_arches
    ]
    sys.stdout.write(report.render(Discovery(tree_path, found), "yaml"))
    return exitcodes.CLEAN
