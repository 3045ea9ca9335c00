"""``kconsist audit``: check a whole tree, or the arches changed files can affect."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kconsist import engine, exitcodes, report
from kconsist.commands.common import Selection
from kconsist.frontdoors import changed
from kconsist.report import console


def audit(
    sel: Selection,
    fmt: str = "text",
    jobs: int = 1,
    changed_from: str | None = None,
    files: Sequence[str] = (),
) -> int:
    rules = sel.rules()
    tree = sel.open_tree()
    arches = sel.arch_filter()
    if changed_from or files:
        arches = changed.arches_to_check(tree, rules, changed_from, files, arches)
        if not arches:
            return exitcodes.CLEAN  # nothing the changes can affect: say nothing, like a linter
    checked = tree.arches() if arches is None else arches
    with console.progress(len(checked)) as progress:
        result = engine.audit(tree, rules, checked, progress, jobs=max(1, jobs))
    output = report.render(result, fmt)
    if fmt == "text":
        console.emit(output)
    else:
        sys.stdout.write(output)
    return result.exit_code()
