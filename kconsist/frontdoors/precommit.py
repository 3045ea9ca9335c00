"""The pre-commit hook's question (``kconsist precommit``, ``.pre-commit-hooks.yaml``):
which findings does the staged change introduce?

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

import os
from collections.abc import Sequence

from kconsist import git, kept
from kconsist.findings import AuditResult
from kconsist.frontdoors import delta
from kconsist.rulelang import Rule
from kconsist.tree import KernelTree


def _push_span() -> tuple[str, str] | None:
    """``PRE_COMMIT_FROM_REF``, ``PRE_COMMIT_TO_REF``: set for ``pre-push``."""
    span = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    return (span[0], span[1]) if span[0] and span[1] else None


def deleted_files(tree: KernelTree) -> list[str]:
    """Files the commit (or the pushed range, for ``pre-push``) deletes."""
    return git.deleted_files(tree.root, _push_span())


# -- the tree before the commit ----------------------------------------------------


def base_commit(tree: KernelTree) -> str | None:
    """The commit the change is compared with: HEAD (for ``pre-push``, the base of the
    pushed range, as ``git diff FROM...TO`` takes it); None when there is none: the
    first commit, or not a git checkout."""
    span = _push_span()
    return git.merge_base(tree.root, *span) if span else git.head(tree.root)


def before_commit(tree: KernelTree, files: Sequence[str], commit: str) -> KernelTree:
    """``tree`` with each of ``files`` as it is in ``commit`` (absent there: deleted),
    in memory."""
    listing = git.list_tree(tree.root, commit, files)
    # A symlink's or submodule's object is a link target or a commit, not the text
    # kconsist would read: such paths stay as in the working tree.
    wanted = {rel: listing.blobs.get(rel) for rel in files if rel not in listing.others}
    contents = git.read_blobs(tree.root, [sha for sha in wanted.values() if sha])
    return tree.with_overlay(
        {rel: _text(contents[sha]) if sha else None for rel, sha in wanted.items()}
    )


def _text(blob: bytes) -> str:
    """A blob read as :meth:`KernelTree.read_text` reads files: utf-8 with
    surrogateescape and universal newlines, like open()."""
    return blob.decode("utf-8", "surrogateescape").replace("\r\n", "\n").replace("\r", "\n")


# -- the command -------------------------------------------------------------------


def new_problems(
    tree: KernelTree,
    rules: list[Rule],
    arches: Sequence[str],
    files: Sequence[str],
    jobs: int = 1,
) -> AuditResult:
    """The audit of the working tree, reduced to what the change to ``files`` introduces.
    The tree before the commit usually comes from the verdict cache, and when the
    change is to comments only, so does the tree after it."""
    commit = base_commit(tree)
    before = None if commit is None else before_commit(tree, files, commit)
    after = audit(tree, rules, arches, jobs, before)
    if not (after.findings or after.errors) or before is None:
        return after  # nothing can be new, or no commit yet: everything is new
    return delta.introduced(audit(before, rules, arches, jobs), after)


def audit(
    tree: KernelTree,
    rules: list[Rule],
    arches: Sequence[str],
    jobs: int,
    base: KernelTree | None = None,
) -> AuditResult:
    """:func:`kconsist.engine.audit`, loaded only when the verdict cache cannot answer."""
    found = kept.answered(tree, rules, arches, base=base)
    if found is not None:
        return found
    from kconsist import engine

    return engine.audit(tree, rules, arches, jobs=jobs, base=base)
