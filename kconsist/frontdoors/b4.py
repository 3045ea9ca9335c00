"""``kconsist check-patch``: b4's per-patch check command.

b4 (``prep --check``, ``am --check``, ``review``) runs the command in the top of the
git tree with one patch email on stdin, and reads its stdout line by line: a line
containing ``ERROR:`` is a failure, any other line a warning, any stderr line a
failure; no output and exit code 0 is "passed all checks". So: one line per finding,
``file:line: ERROR: [rule] message`` (``WARNING:`` for warnings, ``CHECK:`` for
info), nothing when clean, stderr only when the check itself fails (exit 2).

Only the findings the patch introduces are reported (present after the patch, absent
before it), on the arches the patch can affect; ``--all`` reports every finding after
the patch on those arches.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kconsist.findings import Finding
from kconsist.frontdoors import changed, delta, patch
from kconsist.tree import TreeError

LEVELS = {"error": "ERROR", "warning": "WARNING", "info": "CHECK"}


def b4_line(f: Finding) -> str:
    return f"{f.file}:{f.line}: {LEVELS.get(f.severity, 'WARNING')}: [{f.rule}] {f.message}"


def read_input(name: str) -> tuple[bytes, str]:
    if name == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    try:
        with open(name, "rb") as fh:
            return fh.read(), name
    except OSError as e:
        raise TreeError(e.strerror or "cannot be read", file=name) from None


def check_patch(args: argparse.Namespace) -> int:
    from kconsist.cli import load_selected_rules, open_tree

    data, where = read_input(args.patch)
    one = patch.parse_email(data, where)
    rules = load_selected_rules(args)
    tree = open_tree(args)
    before, after = patch.before_and_after(tree, one, where)
    arches = changed.arches_for_files(tree, rules, one.files, args.arch or None)
    auditor = delta.Auditor(rules)
    found = auditor.problems(after, arches, state=1)
    if not args.all:
        found = delta.compare(auditor.problems(before, arches, state=0), found).introduced
    return emit(found)


def emit(found: Sequence[Finding]) -> int:
    for f in found:
        print(b4_line(f))
    return 1 if found else 0
