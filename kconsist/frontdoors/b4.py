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

``b4 am --check`` checks each patch of a series on its own against HEAD before the
series, so patch k may need patches 1..k-1 to apply. Every call records its patch in
the series cache (:mod:`kconsist.frontdoors.seriescache`); a patch that does not apply
to the tree is applied on top of the recorded earlier patches of its series, and then
the tree after those is the "before" state.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kconsist.findings import Finding
from kconsist.frontdoors import changed, delta, patch, seriescache
from kconsist.frontdoors.patch import Patch, PatchError
from kconsist.tree import KernelTree, TreeError

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
    before, after = states(tree, one, data, where, use_series=not args.no_series)
    arches = changed.arches_for_files(tree, rules, one.files, args.arch or None)
    auditor = delta.Auditor(rules)
    found = auditor.problems(after, arches, state=1)
    if not args.all:
        found = delta.compare(auditor.problems(before, arches, state=0), found).introduced
    return emit(found)


def states(
    tree: KernelTree, one: Patch, data: bytes, where: str, use_series: bool = True
) -> tuple[KernelTree, KernelTree]:
    """The tree before and after the patch: as :func:`patch.before_and_after` decides,
    else (it does not apply) after the recorded earlier patches of its series and after
    the patch on top of them; else the patch's own "does not apply" error."""
    earlier = remember(tree, data) if use_series else []
    try:
        return patch.before_and_after(tree, one, where)
    except PatchError:
        stacked = on_top_of_earlier(tree, earlier, one)
        if stacked is None:
            raise  # the error of the patch on its own: it names where it fails
        return stacked


def remember(tree: KernelTree, data: bytes) -> list[bytes]:
    """Record the patch email in the series cache; return the recorded earlier patches
    of its series. The cache only helps: when it cannot be used, nothing is stacked."""
    pos = seriescache.identify(data)
    if pos is None:
        return []
    cache = seriescache.SeriesCache.for_tree(tree.root)
    if cache is None:
        return []
    try:
        cache.prune()
        earlier = cache.earlier(pos)
        cache.record(pos, data)
    except OSError:
        return []
    return earlier


def on_top_of_earlier(
    tree: KernelTree, earlier: list[bytes], one: Patch
) -> tuple[KernelTree, KernelTree] | None:
    """Before/after ``one`` applied on top of ``earlier``; None if any does not apply."""
    if not earlier:
        return None
    try:
        patches = [patch.parse_email(data, "series cache") for data in earlier]
        return patch.on_top_of(tree, patches, one)
    except (PatchError, patch.Mismatch):
        return None


def emit(found: Sequence[Finding]) -> int:
    for f in found:
        print(b4_line(f))
    return 1 if found else 0
