"""Patch emails and mboxes, and applying a patch to a :class:`KernelTree` in memory.

A patch is laid over the tree as an overlay; the working tree is never written.
Whether a patch is already in the tree is decided per patch: when every hunk's
post-image is present it is applied (the tree is *after* it, as under ``b4 prep
--check``); when every pre-image matches it applies (the tree is *before* it, as under
``b4 am --check``); otherwise it does not apply.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

import unidiff

from kconsist.tree import KernelTree, TreeError

DEV_NULL = "/dev/null"
_MBOX_FROM = re.compile(rb"^From \S+ +\w{3} \w{3} [ \d]?\d \d\d:\d\d:\d\d \d{4}\r?\n", re.M)
_DIFF_START = re.compile(r"^(diff --git |--- \S)", re.M)
_SUBJECT_TAG = re.compile(r"^\s*(\[[^\]]*\]\s*)+")


class PatchError(TreeError):
    """A patch email that cannot be read, or a patch that does not apply."""


class Mismatch(Exception):
    """The patch's pre-image (post-image when reverting) is not in the tree."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


@dataclass(frozen=True)
class Patch:
    subject: str
    diff: unidiff.PatchSet
    msgid: str = ""

    @property
    def files(self) -> list[str]:
        """Every tree-relative path the patch touches (old and new names)."""
        out: dict[str, None] = {}
        for pf in self.diff:
            for name in (pf.source_file, pf.target_file):
                if name and name != DEV_NULL:
                    out[_strip(name)] = None
        return list(out)


# -- reading ------------------------------------------------------------------------


def parse_email(data: bytes, where: str = "patch") -> Patch:
    """One patch email (headers, body, diff; an mbox ``From `` line is allowed)."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    body = _body(msg, where)
    subject = _SUBJECT_TAG.sub("", " ".join(str(msg.get("Subject", "")).split()))
    return Patch(subject, _diff(body, where), str(msg.get("Message-ID", "")).strip("<> "))


def parse_mbox(data: bytes, where: str = "mbox") -> list[Patch]:
    """The patch emails of an mbox, in order; messages without a diff (a cover letter)
    are left out."""
    chunks = [c for c in _MBOX_FROM.split(data) if c.strip()]
    patches = []
    for i, chunk in enumerate(chunks, 1):
        try:
            patches.append(parse_email(chunk, f"{where}: message {i}"))
        except PatchError as e:
            if "no diff" not in e.message:
                raise
    if not patches:
        raise PatchError("no patch emails in it", file=where)
    return patches


def _body(msg: EmailMessage, where: str) -> str:
    parts = [p for p in msg.walk() if p.get_content_type() == "text/plain"]
    if not parts and not msg.is_multipart():
        parts = [msg]
    try:
        return "\n".join(str(p.get_content()) for p in parts)
    except (LookupError, ValueError) as e:
        raise PatchError(f"malformed patch email: {e}", file=where) from None


def _diff(body: str, where: str) -> unidiff.PatchSet:
    start = _DIFF_START.search(body)
    if not start:
        raise PatchError("malformed patch email: no diff found in it", file=where)
    text = body[start.start() :]
    text = re.split(r"^-- \r?$", text, maxsplit=1, flags=re.M)[0]  # the signature
    try:
        diff = unidiff.PatchSet(text)
    except unidiff.UnidiffParseError as e:
        raise PatchError(f"malformed diff: {e}", file=where) from None
    if not len(diff):
        raise PatchError("malformed patch email: no diff found in it", file=where)
    return diff


def _strip(name: str) -> str:
    return name[2:] if name.startswith(("a/", "b/")) else name


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
        raise PatchError(f"does not apply to the tree (at {e.path})", file=where) from None


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
    """The file contents after applying (or reverting) ``patch``; raises :class:`Mismatch`."""
    changes: dict[str, str | None] = {}
    view = tree
    for pf in patch.diff:
        if pf.is_binary_file:
            continue
        old, new = _strip(pf.source_file), _strip(pf.target_file)
        if reverse:
            old, new = new, old
        if old == DEV_NULL and view.exists(new):
            raise Mismatch(new)  # a file the patch creates is there already
        text = _read(view, old) if old != DEV_NULL else None
        result = _apply_file(text, pf, reverse, old)
        step: dict[str, str | None] = {}
        if old != DEV_NULL and old != new:
            step[old] = None
        if new != DEV_NULL:
            step[new] = result
        changes.update(step)
        view = view.with_overlay(step)
    return changes


def _read(tree: KernelTree, rel: str) -> str | None:
    return tree.read_text(rel) if tree.exists(rel) else None


def _apply_file(text: str | None, pf: unidiff.PatchedFile, reverse: bool, path: str) -> str:
    if text is None:
        if any(_image(h, after=reverse) for h in pf):
            raise Mismatch(path)
        text = ""
    lines = text.splitlines()
    out: list[str] = []
    cursor = 0
    for hunk in pf:
        pre, post = _image(hunk, after=reverse), _image(hunk, after=not reverse)
        start = (hunk.target_start if reverse else hunk.source_start) - 1
        pos = _find(lines, pre, cursor, max(start, 0))
        if pos is None:
            raise Mismatch(path)
        out += lines[cursor:pos] + post
        cursor = pos + len(pre)
    out += lines[cursor:]
    return "".join(line + "\n" for line in out)


def _image(hunk: unidiff.Hunk, after: bool) -> list[str]:
    wanted = (lambda ln: ln.is_added) if after else (lambda ln: ln.is_removed)
    return [ln.value.rstrip("\r\n") for ln in hunk if ln.is_context or wanted(ln)]


def _find(lines: Sequence[str], seq: Sequence[str], lo: int, near: int) -> int | None:
    """Where ``seq`` occurs in ``lines`` at or after ``lo``, nearest to ``near``."""
    if not seq:
        return min(max(near, lo), len(lines))
    hits = [
        i
        for i in range(lo, len(lines) - len(seq) + 1)
        if lines[i] == seq[0] and list(lines[i : i + len(seq)]) == list(seq)
    ]
    return min(hits, key=lambda i: abs(i - near)) if hits else None
