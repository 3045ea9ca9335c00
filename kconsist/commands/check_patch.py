"""``kconsist check-patch``: b4's per-patch check command.

b4 (``prep --check``, ``am --check``, ``review``) runs the command in the top of the
git tree with one patch email on stdin, and reads its stdout line by line: a line
containing ``ERROR:`` is a failure, any other line a warning, any stderr line a
failure; no output and exit code 0 is "passed all checks". So: one line per finding
(:mod:`kconsist.report.b4`), nothing when clean, stderr only when the check itself
fails (exit 2).

Only the findings the patch introduces are reported (present after the patch, absent
before it), on the arches the patch can affect; ``--all`` reports every finding after
the patch on those arches.
"""

from __future__ import annotations

import os
import sys

from kconsist import exitcodes
from kconsist.commands.common import Selection
from kconsist.frontdoors import changed, checkpatch, delta, patch
from kconsist.report.b4 import b4_lines
from kconsist.tree import TreeError


def read_input(name: str) -> tuple[bytes, str]:
    """The bytes of file ``name`` (``-``: stdin) and how errors name it."""
    if name == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    try:
        with open(name, "rb") as fh:
            return fh.read(), name
    except OSError as e:
        raise TreeError(e.strerror or "cannot be read", file=name) from None


def check_patch(
    sel: Selection, source: str = "-", report_all: bool = False, use_series: bool = True
) -> int:
    data, where = read_input(source)
    one = patch.parse_email(data, where)
    rules = sel.rules()
    tree = sel.open_tree()
    before, after = checkpatch.states(tree, one, data, where, use_series=use_series)
    arches = changed.arches_for_files(tree, rules, one.files, sel.arch_filter())
    auditor = delta.Auditor(rules, jobs=os.cpu_count() or 1)
    found = auditor.problems(after, arches, base=before)
    if not report_all:
        found = delta.compare(auditor.problems(before, arches), found).introduced
    sys.stdout.write(b4_lines(found))
    return exitcodes.FINDINGS if found else exitcodes.CLEAN
