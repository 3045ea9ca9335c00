"""Patch emails and mboxes, and applying a patch to a :class:`KernelTree` in memory.

Emails and mboxes are read with the standard library (:mod:`email`, :mod:`mailbox`);
the diff is parsed and applied by git itself (:class:`kconsist.git.Scratch`: ``git
apply --cached`` to a throw-away index holding the files the patch touches, as the
tree, overlay included, has them), so a patch applies here exactly when ``git apply``
applies it, with the same result byte for byte (offsets, CRLF, ``\\ No newline at end
of file``, renames), and one git refuses is refused with git's reason. The result is
laid over the tree as an overlay; the working tree is never written.

Whether a patch is already in the tree is decided per patch: when it reverses
(``git apply -R``) it is applied (the tree is *after* it, as under ``b4 prep
--check``); else when it applies, the tree is *before* it (as under ``b4 am --check``);
otherwise it does not apply.

Every path a patch names must be a plain path inside the tree (relative, without
``.``, ``..`` or ``.git`` components): one that is not is an input error naming it,
raised before any file of the tree is read.
"""

from __future__ import annotations

import mailbox
import posixpath
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

from kconsist import git
from kconsist.tree import KernelTree, TreeError

_SUBJECT_TAG = re.compile(r"^\s*(\[[^\]]*\]\s*)+")
_NO_DIFF = "No valid patches in input"
# An mbox needs a "From " line before each message; a lone email may have none.
_FROM_LINE = b"From kconsist Thu Jan  1 00:00:00 1970\n"
# What tells a message's "From " line from a body line that starts with "From " (git
# format-patch does not escape those): a time and a year after it, as git mailsplit
# decides it.
_SEPARATOR = re.compile(rb"From \S+ .*\d:\d\d(?::\d\d)?\b.*\d{4}")


class PatchError(TreeError):
    """A patch email that cannot be read, or a patch that does not apply."""


class Mismatch(Exception):
    """git refuses the patch (reversed, when reverting) on the tree: ``path`` is the
    file where it does not fit, when git names one, ``reason`` what git said."""

    def __init__(self, path: str | None, reason: str = ""):
        super().__init__(path or reason)
        self.path = path
        self.reason = reason

    def describe(self) -> str:
        """The message: "does not apply to the tree" and where, or git's reason."""
        if self.path is None:
            return f"does not apply to the tree: git apply: {self.reason}"
        where = _show(self.path, quote=False)
        # git's other reasons than "the hunks do not fit" (which the path says), about
        # its index: the one holding the tree's files
        why = [
            r.removeprefix(f"{self.path}: ").replace(" in index", " in the tree")
            for r in self.reason.split("; ")
            if not r.startswith("patch failed: ") and not r.endswith(": patch does not apply")
        ]
        return f"does not apply to the tree (at {where}{': ' + why[0] if why else ''})"


@dataclass(frozen=True)
class Patch:
    subject: str
    diff: bytes  # the email's text, as git apply reads it
    files: tuple[str, ...]  # every tree-relative path it touches (old and new names)
    msgid: str = ""
    where: str = ""  # how errors name the email: its file (and message number)


# -- reading ------------------------------------------------------------------------


def parse_email(data: bytes, where: str = "patch") -> Patch:
    """One patch email (headers, body, diff; an mbox ``From `` line is allowed)."""
    msg = message_from_bytes(data, policy=policy.default)
    subject = _SUBJECT_TAG.sub("", " ".join(_header(msg, "Subject").split()))
    diff = _body(msg)
    msgid = _header(msg, "Message-ID").strip("<> ")
    return Patch(subject, diff, _paths(diff, where), msgid, where)


def parse_mbox(data: bytes, where: str = "mbox") -> list[Patch]:
    """The patch emails of an mbox, in order; messages without a diff (a cover letter)
    are left out."""
    patches = []
    for i, message in enumerate(_messages(data), 1):
        try:
            patches.append(parse_email(message, f"{where}: message {i}"))
        except PatchError as e:
            if "no diff" not in e.message:
                raise
    if not patches:
        raise PatchError("no patch emails in it", file=where)
    return patches


def _messages(data: bytes) -> list[bytes]:
    """The messages of an mbox, as bytes (``mailbox`` reads files only: the data goes
    to a private temporary file first). A body line starting with ``From `` that is no
    message separator is escaped first (``>From``), as mbox writers should have."""
    data = b"".join(
        b">" + line if line.startswith(b"From ") and not _SEPARATOR.match(line) else line
        for line in data.splitlines(keepends=True)
    )
    if not data.startswith(b"From "):
        data = _FROM_LINE + data
    with tempfile.TemporaryDirectory(prefix="kconsist-mbox-") as tmp:
        path = Path(tmp) / "mbox"
        path.write_bytes(data)
        box = mailbox.mbox(path, create=False)
        try:
            return [box.get_bytes(key) for key in box.iterkeys()]
        finally:
            box.close()


def _header(msg: Message, name: str) -> str:
    """A header's text ('' when absent or beyond the parser: a mailing list's email may
    hold anything)."""
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except (ValueError, LookupError, TypeError, AttributeError):
        return ""


def _body(msg: Message) -> bytes:
    """The transfer-decoded bytes of the email's text parts (an inline patch, or one
    attached as text/x-patch), charset untouched: git applies bytes."""
    parts = [p for p in msg.walk() if not p.is_multipart() and p.get_content_maintype() == "text"]
    return b"\n".join(_payload(p) for p in parts)


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _paths(diff: bytes, where: str) -> tuple[str, ...]:
    """The tree paths of the diff as git reads it; every one checked to stay inside
    the tree before anything reads it."""
    scratch = git.scratch()
    try:
        paths = scratch.paths(diff)
    except git.GitError as e:
        if _NO_DIFF in e.stderr:
            raise PatchError("malformed patch email: no diff found in it", file=where) from None
        raise PatchError(f"malformed diff: git apply: {git.reasons(e)}", file=where) from None
    try:  # the names as written: git strips a leading "/" with the "a/" of -p1
        written = scratch.paths(diff, strip=0)
    except git.GitError:
        written = []  # git-style headers do not parse with -p0: their -p1 names tell
    for name in written:
        if name.startswith("/"):
            raise PatchError(f"patch path {_show(name)} leaves the tree", file=where)
    for name in paths:
        _check_path(name, where)
    return tuple(paths)


def _check_path(name: str, where: str) -> None:
    parts = name.split("/")
    if name.startswith("/") or posixpath.normpath(name).split("/")[0] == "..":
        raise PatchError(f"patch path {_show(name)} leaves the tree", file=where)
    if any(p in ("", ".", "..") or p.lower() == ".git" for p in parts):
        raise PatchError(
            f"patch path {_show(name)} is not a plain tree path (empty, '.', '..' or"
            " '.git' component)",
            file=where,
        )


def _show(name: str, quote: bool = True) -> str:
    """A path on one line, whatever bytes it holds (quoted as a Python string when it
    holds a quote, space or unprintable character)."""
    if not name.isprintable() or "'" in name or " " in name:
        return repr(name)
    return f"'{name}'" if quote else name


# -- applying -----------------------------------------------------------------------


def before_and_after(tree: KernelTree, patch: Patch, where: str) -> tuple[KernelTree, KernelTree]:
    """The tree before and after ``patch``, whichever of the two ``tree`` is."""
    try:
        return tree.with_overlay(overlay(tree, patch, reverse=True)), tree
    except Mismatch:
        pass
    try:
        return tree, tree.with_overlay(overlay(tree, patch, reverse=False))
    except Mismatch as e:
        raise PatchError(e.describe(), file=where) from None


def on_top_of(
    tree: KernelTree, earlier: Sequence[Patch], patch: Patch
) -> tuple[KernelTree, KernelTree]:
    """The tree after ``earlier`` (applied in order) and after ``patch`` on top of them;
    raises :class:`Mismatch` when one of them does not apply."""
    before = tree
    for p in earlier:
        before = before.with_overlay(overlay(before, p))
    return before, before.with_overlay(overlay(before, patch))


def overlay(tree: KernelTree, patch: Patch, reverse: bool = False) -> dict[str, str | None]:
    """The files ``patch`` changes, after applying (or reverting) it with git; the
    contents byte for byte (as text with surrogateescape, as :class:`KernelTree` keeps
    them). Raises :class:`Mismatch` when git refuses it."""
    base = {
        rel: tree.read_text(rel, keep_newlines=True).encode("utf-8", "surrogateescape")
        for rel in patch.files
        if tree.exists(rel)
    }
    try:
        result = git.scratch().apply(base, patch.diff, reverse=reverse)
    except git.ApplyError as e:
        raise Mismatch(e.path, e.reason) from None
    return {
        rel: None if data is None else data.decode("utf-8", "surrogateescape")
        for rel, data in result.items()
    }
