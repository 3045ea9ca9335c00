"""All git plumbing: running git, NUL-separated listings, blobs at a revision, staged
and changed files, revision ranges.

Every listing is asked for with ``-z`` and split on NUL, and names are decoded with
``surrogateescape``, so that any byte of a file name (newline, quote, invalid UTF-8)
survives the round trip to the tree model. A git failure is a :class:`GitError`,
which the commands report as an input error (exit 2).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kconsist.tree import TreeError


class GitError(TreeError):
    """git could not be run, or it failed (``stderr``: all that git said)."""

    stderr = ""


def run_bytes(
    root: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None
) -> bytes:
    """Raw standard output of ``git args`` run in ``root`` (in environment ``env``)."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=root, input=stdin, capture_output=True, check=False, env=env
        )
    except OSError as e:
        raise GitError(f"cannot run git: {e.strerror}") from None
    if proc.returncode != 0:
        said = proc.stderr.decode("utf-8", "replace")
        detail = said.strip().splitlines()
        error = GitError(f"git {args[0]} failed: {detail[-1] if detail else proc.returncode}")
        error.stderr = said
        raise error
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


# At most this many paths are asked of ``git ls-tree`` by name; more, and the whole
# listing is read (no argument-length limit).
MAX_PATHSPECS = 256


def list_tree(root: Path, commit: str, paths: Sequence[str] | None = None) -> TreeListing:
    """Every entry of ``commit`` under ``root`` (git lists paths relative to the
    directory it runs in), recursively; with ``paths`` (a few), the entries at or
    under those paths only (a pre-commit of one file need not list 90,000)."""
    # Literal pathspecs: no pathspec magic in file names.
    spec = ["--", *paths] if paths is not None and len(paths) <= MAX_PATHSPECS else []
    args = ["--literal-pathspecs"] if spec else []
    blobs: dict[str, str] = {}
    others: set[str] = set()
    for entry in split_z(run(root, *args, "ls-tree", "-r", "-z", commit, *spec)):
        meta, rel = entry.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode != "120000":
            blobs[rel] = sha
        else:
            others.add(rel)
    return TreeListing(blobs, others)


def read_blobs(
    root: Path, shas: Sequence[str], env: Mapping[str, str] | None = None
) -> dict[str, bytes]:
    """Blob id -> contents, in one ``git cat-file --batch``."""
    if not shas:
        return {}
    query = "".join(f"{s}\n" for s in shas).encode()
    data = run_bytes(root, "cat-file", "--batch", stdin=query, env=env)
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


# -- applying patches in a scratch repository ------------------------------------------


def reasons(error: GitError) -> str:
    """git's ``error:`` lines, on one line (else the error's own message)."""
    said = [ln[len("error: ") :] for ln in error.stderr.splitlines() if ln.startswith("error: ")]
    return "; ".join(said) or error.message


class ApplyError(GitError):
    """``git apply`` refused a patch: ``reason`` is what git said (its ``error:``
    lines), ``path`` the file it failed at when it names one."""

    def __init__(self, reason: str, path: str | None):
        super().__init__(reason)
        self.reason = reason
        self.path = path


# git apply's messages that name the file a patch does not fit (LC_ALL=C).
_MISFIT = re.compile(
    r"^error: (?:(.+): (?:patch does not apply|does not exist in index|already exists in index"
    r"|wrong type|does not match index)|patch failed: (.+):\d+)$",
    re.M,
)


class Scratch:
    """A private git repository in a temporary directory, outside any tree, in which
    patches are parsed and applied with ``git apply --cached`` to a throw-away index
    holding just the files a patch touches. Nothing of the audited tree is ever
    written, and the tree need not be a git checkout.

    git runs with the user's and the system's configuration ignored, in the C locale:
    the same patch and files give the same result (and the same messages) everywhere,
    as ``git apply`` gives them with git's defaults.
    """

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="kconsist-git-"))
        self._owner = os.getpid()
        atexit.register(self._remove)
        self._count = 0
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        self.env.update(
            GIT_DIR=str(self.root / "repo.git"),
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            LC_ALL="C",
            LANGUAGE="C",
        )
        repo = str(self.root / "repo.git")
        run_bytes(self.root, "init", "-q", "--bare", "--template=", repo, env=self.env)

    def _remove(self) -> None:
        if os.getpid() == self._owner:  # not from a forked child: the parent still uses it
            shutil.rmtree(self.root, ignore_errors=True)

    def _git(self, *args: str, stdin: bytes | None = None, index: Path | None = None) -> bytes:
        env = self.env if index is None else {**self.env, "GIT_INDEX_FILE": str(index)}
        return run_bytes(self.root, *args, stdin=stdin, env=env)

    def paths(self, diff: bytes, strip: int = 1) -> list[str]:
        """Every path ``diff`` names, old and new, as git reads it with ``-p<strip>``
        (``--numstat`` lists one name per file: the new one, and the old one when the
        patch is reversed). Raises :class:`GitError` when git cannot parse it."""
        out: dict[str, None] = {}
        for reverse in ((), ("-R",)):
            listing = self._git("apply", "--numstat", "-z", f"-p{strip}", *reverse, stdin=diff)
            for entry in split_z(listing.decode("utf-8", "surrogateescape")):
                out[entry.split("\t", 2)[2]] = None
        return list(out)

    def apply(
        self, files: Mapping[str, bytes], diff: bytes, reverse: bool = False
    ) -> dict[str, bytes | None]:
        """The files ``diff`` changes, after ``git apply --cached`` (``-R``) of it to an
        index holding exactly ``files`` (path -> contents); None: deleted. Raises
        :class:`ApplyError` with git's reason when git refuses the patch."""
        self._count += 1
        index = self.root / f"index-{self._count}"
        try:
            self._fill(index, files)
            self._apply(index, diff, reverse)
            after = self._read(index)
        finally:
            index.unlink(missing_ok=True)
        changed: dict[str, bytes | None] = {p: None for p in files if p not in after}
        changed.update({p: data for p, data in after.items() if files.get(p) != data})
        return changed

    def _fill(self, index: Path, files: Mapping[str, bytes]) -> None:
        if not files:
            return  # no index file: an empty index
        blobs = self.root / "blobs"
        blobs.mkdir(exist_ok=True)
        names = []
        for i, data in enumerate(files.values()):
            names.append(str(blobs / str(i)))
            Path(names[-1]).write_bytes(data)
        shas = self._git(
            "hash-object", "-w", "--no-filters", "--stdin-paths", stdin="\n".join(names).encode()
        ).split()
        info = b"".join(
            b"100644 " + sha + b"\t" + path.encode("utf-8", "surrogateescape") + b"\0"
            for sha, path in zip(shas, files, strict=True)
        )
        self._git("update-index", "--add", "-z", "--index-info", stdin=info, index=index)

    def _apply(self, index: Path, diff: bytes, reverse: bool) -> None:
        try:
            self._git("apply", "--cached", *(["-R"] if reverse else []), stdin=diff, index=index)
        except GitError as e:
            misfit = _MISFIT.search(e.stderr)
            path = (misfit.group(1) or misfit.group(2)) if misfit else None
            raise ApplyError(reasons(e), path) from None

    def _read(self, index: Path) -> dict[str, bytes]:
        """Path -> contents of the regular files in the index (a symlink's or a
        submodule's object is no text kconsist reads: left out, as if absent)."""
        listing = self._git("ls-files", "-s", "-z", index=index).decode("utf-8", "surrogateescape")
        wanted: dict[str, str] = {}
        for entry in split_z(listing):
            meta, path = entry.split("\t", 1)
            mode, sha, _stage = meta.split()
            if mode in ("100644", "100755"):
                wanted[path] = sha
        blobs = read_blobs(self.root, list(dict.fromkeys(wanted.values())), env=self.env)
        return {path: blobs[sha] for path, sha in wanted.items()}


_SCRATCH: dict[int, Scratch] = {}


def scratch() -> Scratch:
    """This process's scratch repository (made on first use, removed at exit; a forked
    child makes its own)."""
    pid = os.getpid()
    if pid not in _SCRATCH:
        _SCRATCH[pid] = Scratch()
    return _SCRATCH[pid]
