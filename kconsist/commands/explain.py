"""``kconsist explain``: both sides of each rule for one arch, and the verdict."""

from __future__ import annotations

import sys

from kconsist import exitcodes
from kconsist.commands.common import Selection, UsageError
from kconsist.explain import explain as gather
from kconsist.facts import ArchContext
from kconsist.report.explain import explanations


def explain(sel: Selection) -> int:
    rules = sel.rules()
    tree = sel.open_tree()
    if len(sel.arches) != 1:
        raise UsageError("explain needs exactly one --arch")
    ctx = ArchContext(tree, tree.arch_env(sel.arches[0]))
    sys.stdout.write(explanations(gather(ctx, rules)))
    return exitcodes.CLEAN
