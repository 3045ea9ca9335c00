"""``kconsist precommit``: the pre-commit hook (``.pre-commit-hooks.yaml``).

pre-commit runs it from the top of the repository, with the staged files that exist
as arguments (unstaged changes are stashed, so the working tree is what will be
committed). It checks the whole tree, but only on the arches the files (and the
staged deletions, which pre-commit does not pass) can affect.

Only the findings the commit introduces fail it, as ``check-patch`` decides them
(:mod:`kconsist.frontdoors.delta`): the tree before the commit is the working tree
with the changed files as they are in HEAD, laid over it in memory (the working tree
is never written). Without HEAD (the first commit) everything is new. ``--all``
reports every finding on the affected arches instead. Nothing to report: no output,
exit 0.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from kconsist import engine, report
from kconsist.findings import AuditResult
from kconsist.frontdoors import changed, delta
from kconsist.rulelang import Rule
from kconsist.tree import KernelTree, TreeError


def _push_span() -> tuple[str, str] | None:
    """``PRE_COMMIT_FROM_REF``, ``PRE_COMMIT_TO_REF``: set for ``pre-push``."""
    span = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    return (span[0], span[1]) if span[0] and span[1] else None


def deleted_files(tree: KernelTree) -> list[str]:
    """Files the commit (or the pushed range, for ``pre-push``) deletes."""
    span = _push_span()
    diff = [f"{span[0]}...{span[1]}"] if span else ["--cached"]
    try:
        # --no-renames: a file renamed away is a deletion too (git diff detects renames
        # by default and would report only the new name).
        out = changed.git(
            tree.root,
            "diff",
            *diff,
            "--name-only",
            "--no-renames",
            "--diff-filter=D",
            "--relative",
            "-z",
        )
    except TreeError:
        return []  # not a git checkout: only the files named
    return [name for name in out.split("\0") if name]


# -- the tree before the commit ----------------------------------------------------


def base_commit(tree: KernelTree) -> str | None:
    """The commit the change is compared with: HEAD (for ``pre-push``, the base of the
    pushed range, as ``git diff FROM...TO`` takes it); None when there is none: the
    first commit, or not a git checkout."""
    span = _push_span()
    args = ["merge-base", *span] if span else ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]
    try:
        return changed.git(tree.root, *args).strip() or None
    except TreeError:
        return None


def before_commit(tree: KernelTree, files: Sequence[str], commit: str) -> KernelTree:
    """``tree`` with each of ``files`` as it is in ``commit`` (absent there: deleted),
    in memory."""
    blobs, others = _blobs(tree.root, commit)
    # A symlink's or submodule's object is a link target or a commit, not the text
    # kconsist would read: such paths stay as in the working tree.
    wanted = {rel: blobs.get(rel) for rel in files if rel not in others}
    contents = _read_blobs(tree.root, [sha for sha in wanted.values() if sha])
    return tree.with_overlay({rel: contents[sha] if sha else None for rel, sha in wanted.items()})


def _blobs(root: Path, commit: str) -> tuple[dict[str, str], set[str]]:
    """The regular files of ``commit`` under ``root`` (tree-relative path -> blob id),
    and its other entries (symlinks, submodules)."""
    # The whole listing rather than the files as pathspecs: no argument-length limit,
    # no pathspec magic in file names, and it is fast even on a kernel tree.
    out = changed.git(root, "ls-tree", "-r", "-z", commit)
    blobs: dict[str, str] = {}
    others: set[str] = set()
    for entry in filter(None, out.split("\0")):
        meta, rel = entry.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode != "120000":
            blobs[rel] = sha
        else:
            others.add(rel)
    return blobs, others


def _read_blobs(root: Path, shas: Sequence[str]) -> dict[str, str]:
    """Blob id -> text, read as :meth:`KernelTree.read_text` reads files."""
    if not shas:
        return {}
    proc = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=root,
        input="".join(f"{sha}\n" for sha in shas).encode(),
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise TreeError(f"git cat-file failed: {proc.stderr.decode(errors='replace').strip()}")
    texts: dict[str, str] = {}
    data, pos = proc.stdout, 0
    for sha in shas:
        header_end = data.index(b"\n", pos)
        size = int(data[pos:header_end].split()[2])
        body = data[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
        # utf-8 with surrogateescape and universal newlines, like open() in read_text.
        text = body.decode("utf-8", "surrogateescape")
        texts[sha] = text.replace("\r\n", "\n").replace("\r", "\n")
    return texts


# -- the command -------------------------------------------------------------------


def new_problems(
    tree: KernelTree, rules: list[Rule], arches: Sequence[str], files: Sequence[str]
) -> AuditResult:
    """The audit of the working tree, reduced to what the change to ``files`` introduces."""
    after = engine.audit(tree, rules, arches)
    if not (after.findings or after.errors):
        return after  # nothing can be new: spare the second audit
    commit = base_commit(tree)
    if commit is None:
        return after  # no commit yet: everything is new
    before = engine.audit(before_commit(tree, files, commit), rules, arches)
    return delta.introduced(before, after)


def command(args: argparse.Namespace) -> int:
    from kconsist.cli import load_selected_rules, open_tree

    rules = load_selected_rules(args)
    tree = open_tree(args)
    files = [changed.tree_relative(tree, f) for f in args.files] + deleted_files(tree)
    arches = changed.arches_for_files(tree, rules, files, args.arch or None)
    if not arches:
        return 0
    if args.all:
        result = engine.audit(tree, rules, arches)
    else:
        result = new_problems(tree, rules, arches, files)
    if result.findings or result.errors:
        sys.stdout.write(report.text(result))
    return result.exit_code()
