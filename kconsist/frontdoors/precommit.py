"""``kconsist precommit``: the pre-commit hook (``.pre-commit-hooks.yaml``).

pre-commit runs it from the top of the repository, with the staged files that exist
as arguments (unstaged changes are stashed, so the working tree is what will be
committed). It checks the whole tree, but only on the arches the files (and the
staged deletions, which pre-commit does not pass) can affect, and prints the text
report when there is something to report: findings or unreadable files fail the
commit. Nothing affected: no output, exit 0.
"""

from __future__ import annotations

import argparse
import os
import sys

from kconsist import engine, report
from kconsist.frontdoors import changed
from kconsist.tree import KernelTree, TreeError


def deleted_files(tree: KernelTree) -> list[str]:
    """Files the commit (or the pushed range, for ``pre-push``) deletes."""
    span = [os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")]
    diff = [f"{span[0]}...{span[1]}"] if all(span) else ["--cached"]
    try:
        out = changed.git(
            tree.root, "diff", *diff, "--name-only", "--diff-filter=D", "--relative", "-z"
        )
    except TreeError:
        return []  # not a git checkout: only the files named
    return [name for name in out.split("\0") if name]


def command(args: argparse.Namespace) -> int:
    from kconsist.cli import load_selected_rules, open_tree

    rules = load_selected_rules(args)
    tree = open_tree(args)
    files = [changed.tree_relative(tree, f) for f in args.files] + deleted_files(tree)
    arches = changed.arches_for_files(tree, rules, files, args.arch or None)
    if not arches:
        return 0
    result = engine.audit(tree, rules, arches)
    if result.findings or result.errors:
        sys.stdout.write(report.text(result))
    return result.exit_code()
