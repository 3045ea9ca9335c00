"""All git plumbing: running git, NUL-separated listings, blobs at a revision, staged
and changed files, revision ranges.

Every listing is asked for with ``-z`` and split on NUL, and names are decoded with
``surrogateescape``, so that any byte of a file name (newline, quote, invalid UTF-8)
survives the round trip to the tree model. A git failure is a :class:`GitError`,
which the commands report as an input error (exit 2).
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kconsist.tree import TreeError


class GitError(TreeError):
    """git could not be run, or it failed."""


def run_bytes(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Raw standard output of ``git args`` run in ``root``."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=root, input=stdin, capture_output=True, check=False
        )
    except OSError as e:
        raise GitError(f"cannot run git: {e.strerror}") from None
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {detail[-1] if detail else proc.returncode}")
    return proc.stdout


def run(root: Path, *args: str) -> str:
    """Standard output of ``git args`` as text (file names kept byte for byte)."""
    return run_bytes(root, *args).decode("utf-8", "surrogateescape")


def split_z(out: str) -> list[str]:
    """The entries of a ``-z`` listing."""
    return [entry for entry in out.split("\0") if entry]


def is_repository(root: Path) -> bool:
    try:
        run(root, "rev-parse", "--git-dir")
    except GitError:
        return False
    return True


def verify_commit(root: Path, ref: str) -> str:
    """The commit ``ref`` names in the repository at ``root``."""
    if not is_repository(root):
        raise GitError(f"not in a git repository: {root}")
    try:
        out = run(root, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}")
    except GitError:
        raise GitError(f"unknown git revision '{ref}' in {root}") from None
    return out.strip()


def head(root: Path) -> str | None:
    """The HEAD commit; None before the first commit or outside a repository."""
    try:
        return run(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip() or None
    except GitError:
        return None


def merge_base(root: Path, a: str, b: str) -> str | None:
    try:
        return run(root, "merge-base", a, b).strip() or None
    except GitError:
        return None


def toplevel_and_head(root: Path) -> tuple[str, str] | None:
    """(top-level path, HEAD commit) of the checkout holding ``root``; None outside one
    or before the first commit."""
    commit = head(root)
    if commit is None:
        return None
    # rev-parse has no -z: the path is everything before the one newline git ends it
    # with (a path may itself hold newlines).
    return run(root, "rev-parse", "--show-toplevel").removesuffix("\n"), commit


def changed_files(root: Path, ref: str) -> list[str]:
    """Files (relative to ``root``) changed since ``ref``: committed, staged, unstaged,
    untracked."""
    verify_commit(root, ref)
    names = split_z(run(root, "diff", "--name-only", "--no-renames", "--relative", "-z", ref))
    names += split_z(
        run(root, "diff", "--cached", "--name-only", "--no-renames", "--relative", "-z")
    )
    names += split_z(run(root, "ls-files", "--others", "--exclude-standard", "-z"))
    return sorted(set(names))


def deleted_files(root: Path, span: tuple[str, str] | None = None) -> list[str]:
    """Files the staged change (or the range ``FROM...TO``) deletes; [] outside a
    repository (a failure inside one is a :class:`GitError`, never "nothing deleted").
    ``--no-renames``: a file renamed away is a deletion too."""
    if not is_repository(root):
        return []
    diff = [f"{span[0]}...{span[1]}"] if span else ["--cached"]
    out = run(
        root, "diff", *diff, "--name-only", "--no-renames", "--diff-filter=D", "--relative", "-z"
    )
    return split_z(out)


@dataclass(frozen=True)
class TreeListing:
    """The entries of a commit's tree under a directory (paths relative to it)."""

    blobs: dict[str, str]  # regular files: path -> blob id
    others: set[str]  # symlinks, submodules: not text kconsist would read


def list_tree(root: Path, commit: str) -> TreeListing:
    """Every entry of ``commit`` under ``root`` (git lists paths relative to the
    directory it runs in), recursively."""
    # The whole listing rather than pathspecs: no argument-length limit, no pathspec
    # magic in file names, and fast even on a kernel tree.
    blobs: dict[str, str] = {}
    others: set[str] = set()
    for entry in split_z(run(root, "ls-tree", "-r", "-z", commit)):
        meta, rel = entry.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode != "120000":
            blobs[rel] = sha
        else:
            others.add(rel)
    return TreeListing(blobs, others)


def read_blobs(root: Path, shas: Sequence[str]) -> dict[str, bytes]:
    """Blob id -> contents, in one ``git cat-file --batch``."""
    if not shas:
        return {}
    data = run_bytes(root, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in shas).encode())
    out: dict[str, bytes] = {}
    pos = 0
    for sha in shas:
        header_end = data.index(b"\n", pos)
        header = data[pos:header_end].split()
        if len(header) < 3 or header[1] == b"missing":
            raise GitError(f"git cat-file: no object {sha}")
        size = int(header[2])
        out[sha] = data[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return out


def format_patch(root: Path, rev_range: str) -> bytes:
    """The commits of ``rev_range`` as an mbox; a :class:`GitError` when it is not a
    revision range of this repository."""
    try:
        run(root, "rev-parse", "--end-of-options", rev_range)
    except GitError:
        raise GitError(f"'{rev_range}' is neither an mbox file nor a git revision range") from None
    return run_bytes(root, "format-patch", "--stdout", "--no-signature", rev_range)
