"""``kconsist fix``: apply the fixes the rules declare (``--dry-run``: print them)."""

from __future__ import annotations

import sys

from kconsist import exitcodes
from kconsist import fix as fixes
from kconsist.commands.common import Selection


def fix(sel: Selection, dry_run: bool = False) -> int:
    rules = sel.rules()
    tree = sel.open_tree()
    plan = fixes.plan(tree, rules, sel.arch_filter())
    if dry_run:
        sys.stdout.write(plan.diff())
    else:
        plan.apply()
        for line in plan.summary():
            print(line)
    for problem in plan.unfixable:
        print(f"kconsist: cannot fix: {problem}", file=sys.stderr)
    return exitcodes.FINDINGS if plan.unfixable else exitcodes.CLEAN
