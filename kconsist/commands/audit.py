"""``kconsist audit``: check a whole tree, or the arches changed files can affect."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kconsist import baseline, exitcodes, kept, report
from kconsist.commands.common import Selection
from kconsist.frontdoors import changed
from kconsist.report import console


@dataclass(frozen=True)
class Baseline:
    """``--baseline`` (known findings to leave out) and ``--write-baseline``."""

    read: Path | None = None
    write: Path | None = None


def audit(
    sel: Selection,
    fmt: str = "text",
    jobs: int = 1,
    changed_from: str | None = None,
    files: Sequence[str] = (),
    known: Baseline = Baseline(),
) -> int:
    previous = baseline.read(known.read) if known.read else None  # a bad file: before the work
    rules = sel.rules()
    tree = sel.open_tree()
    arches = sel.arch_filter()
    if changed_from or files:
        arches = changed.arches_to_check(tree, rules, changed_from, files, arches)
        if not arches:
            return exitcodes.CLEAN  # nothing the changes can affect: say nothing, like a linter
    checked = tree.arches() if arches is None else arches
    with console.progress(len(checked)) as progress:
        result = kept.answered(tree, rules, arches)
        if result is None:  # something to work out: only now the engine is loaded
            from kconsist import engine

            result = engine.audit(tree, rules, arches, progress, jobs=max(1, jobs))
    if previous is not None:
        result = baseline.apply(result, previous)
    if known.write:
        baseline.write(result, known.write)
        result = baseline.apply(result, baseline.read(known.write))
    output = report.render(result, fmt)
    if fmt == "text":
        console.emit(output)
    else:
        sys.stdout.write(output)
    return result.exit_code()
