"""The patches of recently checked series, so that ``check-patch`` can check patch k of a
series on top of patches 1..k-1.

``b4 am --check`` runs the check command once per patch, in order, with the working tree
at HEAD before the series and only that patch on stdin. Each call records its patch
here; a later patch of the same series that does not apply to the tree on its own is
applied on top of the recorded earlier ones (in memory, see :mod:`kconsist.frontdoors.b4`).

A series is identified conservatively, from the email headers b4 passes on (the
original ones): the thread root (first ``References`` id, else ``In-Reply-To``, else the
patch's own ``Message-ID``: with or without a cover letter, shallow or deep threading,
every patch of one posting has the same root), the version and patch count of the
``[PATCH vN k/M]`` subject prefix, and the author's address. A patch without a ``k/M``
counter or without any message id has no series.

The cache lives outside the working tree and .git: ``$KCONSIST_CACHE_DIR/series``, else
``$XDG_CACHE_HOME/kconsist/series``, else ``~/.cache/kconsist/series``; one directory
per (tree, repository top level, HEAD commit, series), one ``<k>.eml`` file per patch.
Files older than :data:`MAX_AGE` are dropped on every use.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from kconsist import git
from kconsist.cachedir import cache_root

MAX_AGE = 24 * 60 * 60  # seconds: b4 am checks a series in one go; a day is plenty
_MSGID = re.compile(r"<([^<>\s]+)>")
_PREFIX = re.compile(r"^\s*((?:\[[^\]]*\]\s*)+)")
_COUNTER = re.compile(r"^0*(\d+)/0*(\d+)$")
_VERSION = re.compile(r"^v(\d+)$", re.I)


@dataclass(frozen=True)
class SeriesId:
    root: str  # the thread root's Message-ID, without <>
    version: int
    total: int
    author: str  # lower-case address

    def key(self) -> str:
        return f"{self.root}\0v{self.version}\0{self.total}\0{self.author}"


@dataclass(frozen=True)
class Position:
    """Where a patch email sits: patch ``index`` (1-based) of ``series``."""

    series: SeriesId
    index: int


# -- identity -----------------------------------------------------------------------


def identify(data: bytes) -> Position | None:
    """The series position of a patch email, or None when it has none (no ``k/M``
    counter, a ``0/M`` cover letter, or no message id to find the thread by)."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    counter = subject_counter(_header(msg, "Subject"))
    root = thread_root(_header(msg, "References"), _header(msg, "In-Reply-To"))
    root = root or next(iter(_MSGID.findall(_header(msg, "Message-ID"))), "")
    author = parseaddr(_header(msg, "From"))[1].lower()
    if counter is None or not root or "@" not in author:
        return None
    version, index, total = counter
    return Position(SeriesId(root, version, total, author), index)


def _header(msg: email.message.Message, name: str) -> str:
    value = msg.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def subject_counter(subject: str) -> tuple[int, int, int] | None:
    """``(version, k, M)`` of a ``[PATCH vN k/M]`` prefix (tags in any order, across
    several bracket groups; version 1 when absent); None without a ``k/M``, 1 <= k <= M."""
    prefix = _PREFIX.match(subject)
    if not prefix:
        return None
    tokens = re.split(r"[\s\[\]]+", prefix.group(1))
    version, counter = 1, None
    for tok in tokens:
        if m := _VERSION.match(tok):
            version = int(m.group(1))
        elif m := _COUNTER.match(tok):
            counter = int(m.group(1)), int(m.group(2))
    if counter is None or not 1 <= counter[0] <= counter[1]:
        return None
    return version, *counter


def thread_root(references: str, in_reply_to: str) -> str:
    """The first message of the thread a message replies to ('' when it replies to
    none): the first ``References`` id, else the ``In-Reply-To`` id."""
    ids = _MSGID.findall(references) or _MSGID.findall(in_reply_to)
    return ids[0] if ids else ""


# -- the cache ----------------------------------------------------------------------


def repo_state(tree_root: Path) -> tuple[str, str] | None:
    """(top-level path, HEAD commit) of the git checkout holding the tree; None outside
    one or before the first commit (nothing to key a series on)."""
    return git.toplevel_and_head(tree_root)


class SeriesCache:
    """The recorded patches of one repository state (tree, top level, HEAD)."""

    def __init__(self, base: Path, repo_key: Sequence[str]):
        self.base = base
        self.repo_key = "\0".join(repo_key)

    @classmethod
    def for_tree(cls, tree_root: Path) -> SeriesCache | None:
        state = repo_state(tree_root)
        if state is None:
            return None
        return cls(cache_root() / "series", [str(tree_root.resolve()), *state])

    def _dir(self, series: SeriesId) -> Path:
        digest = hashlib.sha256(f"{self.repo_key}\0{series.key()}".encode()).hexdigest()
        return self.base / digest[:32]

    def record(self, pos: Position, data: bytes) -> None:
        """Keep patch ``pos`` (replacing an earlier copy). Written to a temporary file
        and renamed, so that a concurrent reader never sees half a patch."""
        where = self._dir(pos.series)
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, where / f"{pos.index}.eml")

    def earlier(self, pos: Position) -> list[bytes]:
        """The recorded patches 1..k-1 of the series of ``pos`` that exist, in order."""
        where = self._dir(pos.series)
        out = []
        for i in range(1, pos.index):
            try:
                out.append((where / f"{i}.eml").read_bytes())
            except OSError:
                continue  # never checked (or expired): applied without it
        return out

    def prune(self, now: float | None = None) -> None:
        """Drop patches older than :data:`MAX_AGE`, and directories left empty."""
        limit = (time.time() if now is None else now) - MAX_AGE
        if not self.base.is_dir():
            return
        for entry in self.base.iterdir():
            for f in entry.iterdir() if entry.is_dir() else [entry]:
                _remove_if_older(f, limit)
            if entry.is_dir():
                _rmdir_if_empty(entry)


def _remove_if_older(path: Path, limit: float) -> None:
    with contextlib.suppress(OSError):  # removed by a concurrent run, or not ours
        if path.lstat().st_mtime < limit:
            path.unlink()


def _rmdir_if_empty(path: Path) -> None:
    with contextlib.suppress(OSError):  # not empty
        path.rmdir()
