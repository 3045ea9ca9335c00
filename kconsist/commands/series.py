"""``kconsist series``: the findings each patch of a series introduces and fixes."""

from __future__ import annotations

import sys

from kconsist import exitcodes, report
from kconsist.commands.common import Selection
from kconsist.frontdoors import series as patches


def series(sel: Selection, source: str | None = None, fmt: str = "text") -> int:
    rules = sel.rules()
    tree = sel.open_tree()
    result = patches.run(tree, rules, patches.load_patches(tree, source), sel.arch_filter())
    sys.stdout.write(report.render(result, fmt))
    return exitcodes.CLEAN if result.bisectable else exitcodes.FINDINGS
