"""``kconsist precommit``: the pre-commit hook. Reports the findings the staged change
introduces (``--all``: every finding) on the arches it can affect; nothing at all, exit
0, when there is nothing to report."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from kconsist import exitcodes, report
from kconsist.commands.common import Selection
from kconsist.frontdoors import changed
from kconsist.frontdoors import precommit as hook


def precommit(sel: Selection, files: Sequence[str] = (), report_all: bool = False) -> int:
    rules = sel.rules()
    tree = sel.open_tree()
    names = [changed.tree_relative(tree, f) for f in files] + hook.deleted_files(tree)
    arches = changed.arches_for_files(tree, rules, names, sel.arch_filter())
    if not arches:
        return exitcodes.CLEAN
    if report_all:
        result = hook.audit(tree, rules, arches, jobs=os.cpu_count() or 1)
    else:
        result = hook.new_problems(tree, rules, arches, names, jobs=os.cpu_count() or 1)
    if result.findings or result.errors:
        sys.stdout.write(report.render(result, "text"))
    return result.exit_code()
