"""A patch series applied patch by patch in memory (``kconsist series``), with the
findings each patch introduces and fixes, so that a series is shown bisectable or not.

The series comes from an mbox (``git format-patch --stdout``, ``b4 am -o``) or a git
revision range. The working tree may be at the series' base (each patch applies in
turn) or at its tip (the series is reverted in memory, last patch first).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kconsist import git
from kconsist.findings import SeriesResult, Step
from kconsist.frontdoors import changed, delta, patch
from kconsist.frontdoors.patch import Patch, PatchError
from kconsist.rulelang import Rule
from kconsist.tree import KernelTree, TreeError


def load_patches(tree: KernelTree, source: str | None) -> list[Patch]:
    """The patches of an mbox file (``-``: stdin) or a git revision range."""
    if source is None:
        source = tracking_range(tree)
    if source == "-":
        return patch.parse_mbox(sys.stdin.buffer.read(), "<stdin>")
    if Path(source).is_file():
        return patch.parse_mbox(Path(source).read_bytes(), source)
    mbox = git.format_patch(tree.root, source)
    if not mbox.strip():
        raise PatchError("no commits in this revision range", file=source)
    return patch.parse_mbox(mbox, source)


def tracking_range(tree: KernelTree) -> str:
    """Under ``b4 review`` (B4_TRACKING_FILE): the review branch's patch commits."""
    name = os.environ.get("B4_TRACKING_FILE")
    if not name:
        raise TreeError("no series given: name an mbox file or a git revision range")
    try:
        series = json.loads(Path(name).read_text())["series"]
        branch = f"b4/review/{series['change-id']}"
        first = series.get("first-patch-commit")
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise TreeError(f"cannot read b4's tracking data: {e}", file=name) from None
    return f"{first}~1..{branch}~1" if first else f"{series['base-commit']}..{branch}~1"


def states(tree: KernelTree, patches: Sequence[Patch]) -> list[KernelTree]:
    """The tree before the series and after each patch."""
    try:
        return _forward(tree, patches)
    except PatchError as forward_error:
        try:
            return _backward(tree, patches)
        except PatchError:
            raise forward_error from None


def _forward(tree: KernelTree, patches: Sequence[Patch]) -> list[KernelTree]:
    out = [tree]
    for i, p in enumerate(patches, 1):
        out.append(_apply(out[-1], p, i, len(patches), reverse=False))
    return out


def _backward(tree: KernelTree, patches: Sequence[Patch]) -> list[KernelTree]:
    out = [tree]
    for i in range(len(patches), 0, -1):
        out.insert(0, _apply(out[0], patches[i - 1], i, len(patches), reverse=True))
    return out


def _apply(tree: KernelTree, p: Patch, i: int, n: int, reverse: bool) -> KernelTree:
    try:
        return tree.with_overlay(patch.overlay(tree, p, reverse=reverse))
    except patch.Mismatch as e:
        raise PatchError(f"patch {i}/{n} '{p.subject}' {e.describe()}", file=p.where) from None


def run(
    tree: KernelTree, rules: list[Rule], patches: Sequence[Patch], arches: Sequence[str] | None
) -> SeriesResult:
    trees = states(tree, patches)
    auditor = delta.Auditor(rules, jobs=os.cpu_count() or 1)
    steps = []
    for i, p in enumerate(patches, 1):
        touched = changed.arches_for_files(tree, rules, p.files, arches)
        before = auditor.problems(trees[i - 1], touched)
        after = auditor.problems(trees[i], touched, base=trees[i - 1])
        d = delta.compare(before, after)
        steps.append(Step(i, p.subject, touched, d.introduced, d.fixed))
    return SeriesResult(steps)
