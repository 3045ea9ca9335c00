"""``kconsist series``: a patch series applied patch by patch in memory, with the
findings each patch introduces and fixes, so that a series is shown bisectable or not.

The series comes from an mbox (``git format-patch --stdout``, ``b4 am -o``) or a git
revision range. The working tree may be at the series' base (each patch applies in
turn) or at its tip (the series is reverted in memory, last patch first).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kconsist import git
from kconsist.findings import Finding
from kconsist.frontdoors import b4, changed, delta, patch
from kconsist.frontdoors.patch import Patch, PatchError
from kconsist.report import finding_dict
from kconsist.rulelang import Rule
from kconsist.tree import KernelTree, TreeError

JSON_VERSION = 1


@dataclass
class Step:
    index: int  # 1-based
    patch: Patch
    arches: list[str]
    introduced: list[Finding]
    fixed: list[Finding]


@dataclass
class SeriesResult:
    steps: list[Step]

    @property
    def bisectable(self) -> bool:
        return not any(s.introduced for s in self.steps)

    def label(self, step: Step) -> str:
        return f"{step.index}/{len(self.steps)}"

    def fixed_by(self, step: Step, f: Finding) -> Step | None:
        """The first later patch that fixes a finding ``step`` introduced."""
        k = delta.key(f)
        later = self.steps[step.index :]
        return next((s for s in later if k in {delta.key(x) for x in s.fixed}), None)


# -- the series --------------------------------------------------------------------


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
        what = f"patch {i}/{n} '{p.subject}'"
        raise PatchError(f"{what} does not apply to the tree (at {e.path})") from None


def run(
    tree: KernelTree, rules: list[Rule], patches: Sequence[Patch], arches: Sequence[str] | None
) -> SeriesResult:
    trees = states(tree, patches)
    auditor = delta.Auditor(rules)
    steps = []
    for i, p in enumerate(patches, 1):
        touched = changed.arches_for_files(tree, rules, p.files, arches)
        before = auditor.problems(trees[i - 1], touched, state=i - 1)
        after = auditor.problems(trees[i], touched, state=i)
        d = delta.compare(before, after)
        steps.append(Step(i, p, touched, d.introduced, d.fixed))
    return SeriesResult(steps)


# -- output ------------------------------------------------------------------------


def _line(f: Finding) -> str:
    return f"{f.file}:{f.line}: {f.severity}: [{f.rule}] {f.message}"


def as_text(result: SeriesResult) -> str:
    lines = []
    for s in result.steps:
        checked = ", ".join(s.arches) or "no arch"
        lines.append(f"[{result.label(s)}] {s.patch.subject} (checked: {checked})")
        for f in s.introduced:
            later = result.fixed_by(s, f)
            fixed = f" (fixed by {result.label(later)})" if later else ""
            lines.append(f"  introduces: {_line(f)}{fixed}")
        lines += [f"  fixes: {_line(f)}" for f in s.fixed]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def summary(result: SeriesResult) -> str:
    n = len(result.steps)
    if result.bisectable:
        return f"kconsist: bisectable: none of the {n} patches introduces a finding"
    culprits = [s for s in result.steps if s.introduced]
    parts = []
    for s in culprits:
        count = len(s.introduced)
        parts.append(f"{result.label(s)} introduces {count} finding{'s' if count != 1 else ''}")
    return "kconsist: not bisectable: " + ", ".join(parts)


def as_json(result: SeriesResult) -> str:
    data = {
        "version": JSON_VERSION,
        "bisectable": result.bisectable,
        "patches": [
            {
                "index": s.index,
                "subject": s.patch.subject,
                "arches": s.arches,
                "introduces": [finding_dict(f) for f in s.introduced],
                "fixes": [finding_dict(f) for f in s.fixed],
            }
            for s in result.steps
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def as_b4_review(result: SeriesResult) -> str:
    """b4 review's ``review-series-check-cmd`` contract: a JSON list of
    ``{tool, status: pass|warn|fail, summary, details}``; details is a JSON list of
    ``{status, description}`` that b4's TUI shows one per line."""
    details = []
    for s in result.steps:
        for f in s.introduced:
            later = result.fixed_by(s, f)
            fixed = f" (fixed by {result.label(later)})" if later else ""
            status = "fail" if f.severity == "error" else "warn"
            text = f"{result.label(s)} introduces {b4.b4_line(f)}{fixed}"
            details.append({"status": status, "description": text})
        for f in s.fixed:
            text = f"{result.label(s)} fixes {b4.b4_line(f)}"
            details.append({"status": "pass", "description": text})
    statuses = {d["status"] for d in details}
    status = "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"
    entry = {
        "tool": "kconsist",
        "status": status,
        "summary": summary(result).removeprefix("kconsist: "),
        "details": json.dumps(details),
    }
    return json.dumps([entry], indent=2) + "\n"


FORMATS = {"text": as_text, "json": as_json, "b4-review": as_b4_review}


def command(args: argparse.Namespace) -> int:
    from kconsist.cli import load_selected_rules, open_tree

    rules = load_selected_rules(args)
    tree = open_tree(args)
    patches = load_patches(tree, args.source)
    result = run(tree, rules, patches, args.arch or None)
    sys.stdout.write(FORMATS[args.format](result))
    return 0 if result.bisectable else 1
