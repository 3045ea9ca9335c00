"""Patches apply in kconsist exactly as real ``git apply`` applies them: each case runs
both on the same files and the same patch email, and the resulting bytes must be equal
(or both must refuse). Plus the patch paths that would leave the tree, through the CLI."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from frontdoor_helpers import env, git, make_repo, run

from kconsist.frontdoors.patch import (
    Mismatch,
    PatchError,
    before_and_after,
    on_top_of,
    overlay,
    parse_email,
    parse_mbox,
)
from kconsist.main import main
from kconsist.tree import KernelTree

Files = dict[str, bytes]

LINES = b"".join(b"line %d\n" % i for i in range(1, 31))


def _write(root: Path, files: Files) -> None:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


def _read(root: Path) -> Files:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def _repo(path: Path, files: Files) -> tuple[Path, dict[str, str]]:
    environ = env(path.parent / f"{path.name}-home")
    path.mkdir(parents=True)
    git(path, environ, "init", "-q", "-b", "master")
    _write(path, files)
    git(path, environ, "add", "-A")
    git(path, environ, "commit", "-q", "--allow-empty", "-m", "base")
    return path, environ


def make_patch(tmp: Path, before: Files, after: dict[str, bytes | None]) -> bytes:
    """The ``git format-patch`` email of the change from ``before`` to ``after``
    (None: the file is deleted), as git writes it (renames detected, binary in full)."""
    repo, environ = _repo(tmp / "author", before)
    for rel, data in after.items():
        if data is None:
            (repo / rel).unlink()
        else:
            _write(repo, {rel: data})
    git(repo, environ, "add", "-A")
    git(repo, environ, "commit", "-q", "-m", "the change")
    args = ["git", "format-patch", "-1", "--stdout", "-M", "--binary"]
    patch = subprocess.run(args, cwd=repo, env=environ, capture_output=True, check=True).stdout
    shutil.rmtree(repo)
    return patch


def git_apply(tmp: Path, files: Files, patches: list[bytes], reverse: bool = False) -> Files | None:
    """The files after real ``git apply`` (``-R``) of each patch in turn in a fresh
    repository holding ``files``; None when git refuses one."""
    repo, environ = _repo(tmp / "applier", files)
    for i, data in enumerate(patches):
        (tmp / f"{i}.eml").write_bytes(data)
        args = ["git", "apply", *(["-R"] if reverse else []), str(tmp / f"{i}.eml")]
        if run(args, repo, environ).returncode != 0:
            shutil.rmtree(repo)
            return None
    out = _read(repo)
    shutil.rmtree(repo)
    return out


def kconsist_apply(
    tmp: Path, files: Files, patches: list[bytes], reverse: bool = False
) -> Files | None:
    """The same through kconsist: the patches laid over a tree holding ``files`` (not
    a git checkout), read back as bytes; None when kconsist refuses one."""
    root = tmp / "tree"
    root.mkdir()
    _write(root, files)
    tree = KernelTree(root)
    try:
        parsed = [parse_email(data) for data in patches]
        for p in parsed:
            tree = tree.with_overlay(overlay(tree, p, reverse=reverse))
    except (PatchError, Mismatch):
        return None
    finally:
        assert _read(root) == files  # the tree itself is never written
        shutil.rmtree(root)
    out = dict(files)
    for rel, text in tree.overlay.items():
        if text is None:
            out.pop(rel, None)
        else:
            out[rel] = text.encode("utf-8", "surrogateescape")
    return dict(sorted(out.items()))


def same_as_git(
    tmp: Path, files: Files, patches: list[bytes], reverse: bool = False
) -> Files | None:
    """kconsist's result, asserted equal to git's."""
    theirs = git_apply(tmp, files, patches, reverse)
    ours = kconsist_apply(tmp, files, patches, reverse)
    assert ours == theirs
    return ours


CRLF = b"one\r\ntwo\r\nthree\r\nfour\r\nfive\r\n"
MIXED = b"unix\nwindows\r\nunix again\nlast\r\n"


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # CRLF kept on every line, old and new
        (
            {"a.c": CRLF},
            {"a.c": CRLF.replace(b"three", b"3")},
            {"a.c": CRLF.replace(b"three", b"3")},
        ),
        ({"m.c": MIXED}, {"m.c": MIXED.replace(b"windows\r\n", b"w\r\nx\n")}, None),
        # "\ No newline at end of file": kept, added, removed
        ({"n.c": b"a\nb"}, {"n.c": b"a\nc"}, {"n.c": b"a\nc"}),
        ({"n.c": b"a\nb\n"}, {"n.c": b"a\nb"}, {"n.c": b"a\nb"}),
        ({"n.c": b"a\nb"}, {"n.c": b"a\nb\n"}, {"n.c": b"a\nb\n"}),
        ({"n.c": b"a\r\nb"}, {"n.c": b"a\r\nc"}, {"n.c": b"a\r\nc"}),
        # bytes that are not UTF-8
        ({"l.c": b"caf\xe9\n\xff\xfe\n"}, {"l.c": b"caf\xe9\n\x80\n"}, {"l.c": b"caf\xe9\n\x80\n"}),
        # creation, deletion, rename (with and without a change), in subdirectories
        ({"k": b"x\n"}, {"arch/x/new.h": b"#define X\n"}, None),
        ({"k": b"x\n", "gone.h": b"bye\n"}, {"gone.h": None}, {"k": b"x\n"}),
        ({"old/r.h": LINES}, {"old/r.h": None, "new/r.h": LINES}, {"new/r.h": LINES}),
        (
            {"old/r.h": LINES},
            {"old/r.h": None, "new/r.h": LINES.replace(b"line 29", b"LINE 29")},
            {"new/r.h": LINES.replace(b"line 29", b"LINE 29")},
        ),
        # a binary file (git format-patch --binary)
        ({"b.bin": b"\0\1\2" * 50}, {"b.bin": b"\0\1\3" * 50}, {"b.bin": b"\0\1\3" * 50}),
    ],
)
def test_applies_as_git_does(
    tmp_path: Path, before: Files, after: dict[str, bytes | None], expected: Files | None
) -> None:
    patch = make_patch(tmp_path, before, after)
    result = same_as_git(tmp_path, before, [patch])
    want = expected or {**before, **{k: v for k, v in after.items() if v is not None}}
    assert result == dict(sorted(want.items()))
    # and back: the patch reverses (-R) to the files it started from
    assert same_as_git(tmp_path, result, [patch], reverse=True) == dict(sorted(before.items()))


def test_offset(tmp_path: Path) -> None:
    """The hunks' lines moved (lines added above them): git applies at an offset."""
    changed = LINES.replace(b"line 20\n", b"line twenty\n").replace(b"line 5\n", b"line five\n")
    patch = make_patch(tmp_path, {"f.c": LINES}, {"f.c": changed})
    moved = b"extra\n" * 7 + LINES
    result = same_as_git(tmp_path, {"f.c": moved}, [patch])
    assert result == {"f.c": b"extra\n" * 7 + changed}


@pytest.mark.parametrize(
    "drift",
    [
        (b"line 18\n", b"line eighteen\n"),  # a context line differs: git does not fuzz
        (b"line 18\n", b"line 18 \n"),  # only by whitespace: git does not ignore it
        (b"line 20\n", b"line 21\n"),  # the removed line is not there
    ],
)
def test_no_fuzz(tmp_path: Path, drift: tuple[bytes, bytes]) -> None:
    patch = make_patch(tmp_path, {"f.c": LINES}, {"f.c": LINES.replace(b"line 20\n", b"20\n")})
    assert same_as_git(tmp_path, {"f.c": LINES.replace(*drift)}, [patch]) is None


@pytest.mark.parametrize(
    ("files", "why"),
    [
        ({"f.c": LINES, "arch/x/new.h": b"already\n"}, "creates a file that exists"),
        ({}, "changes a file that is missing"),
        ({"f.c": LINES, "arch/x/new.h": b"#define X\n", "gone.h": b"changed\n"}, "deletes"),
    ],
)
def test_refused_as_git_refuses(tmp_path: Path, files: Files, why: str) -> None:
    base = {"f.c": LINES, "gone.h": b"bye\n"}
    patch = make_patch(
        tmp_path,
        base,
        {"f.c": LINES.replace(b"line 3\n", b"3\n"), "arch/x/new.h": b"#define X\n", "gone.h": None},
    )
    assert same_as_git(tmp_path, base, [patch]) is not None  # it applies where it belongs
    assert same_as_git(tmp_path, files, [patch]) is None, why


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"f.c": LINES}, "(at f.c)"),  # the hunk does not fit
        ({}, "(at f.c: does not exist in the tree)"),
        ({"f.c": LINES, "b.bin": b"\0\1\2"}, "(at b.bin: cannot apply binary patch to 'b.bin'"),
    ],
)
def test_refusal_names_the_file_and_gits_reason(tmp_path: Path, files: Files, message: str) -> None:
    """A binary change without its data (a plain ``git diff``) is refused by git, as
    is a change to a missing file: kconsist says where and why."""
    repo, environ = _repo(tmp_path / "author", {"f.c": LINES, "b.bin": b"\0\1\2"})
    _write(repo, {"f.c": LINES.replace(b"line 2\n", b"2\n"), "b.bin": b"\0\1\3"})
    diff = subprocess.run(["git", "diff"], cwd=repo, env=environ, capture_output=True).stdout
    assert b"Binary files a/b.bin and b/b.bin differ" in diff
    if "binary" not in message:
        diff = diff[diff.index(b"diff --git a/f.c") :]
    drifted = {k: v.replace(b"line 3\n", b"3\n") for k, v in files.items()}
    assert same_as_git(tmp_path, drifted, [diff]) is None
    root = tmp_path / "tree"
    _write(root, drifted)
    with pytest.raises(PatchError) as refused:
        before_and_after(KernelTree(root), parse_email(diff), "p.eml")
    assert str(refused.value).startswith(f"p.eml: does not apply to the tree {message}")


def test_corrupt_patch_refused_with_gits_reason(tmp_path: Path) -> None:
    patch = make_patch(tmp_path, {"f.c": LINES}, {"f.c": LINES.replace(b"line 9\n", b"9\n")})
    corrupt = patch.replace(b"-line 9\n", b"-line 9\n-line 10\n", 1)
    assert same_as_git(tmp_path, {"f.c": LINES}, [corrupt]) is None
    with pytest.raises(
        PatchError, match=r"^patch: malformed diff: git apply: corrupt patch at line \d+$"
    ):
        parse_email(corrupt)


def test_series_stacks_as_git_does(tmp_path: Path) -> None:
    """Two patches of an mbox, the second on top of the first, on a CRLF file."""
    first = CRLF.replace(b"two\r\n", b"2\r\n")
    second = first.replace(b"five\r\n", b"5\r\nsix")
    p1 = make_patch(tmp_path, {"s.c": CRLF}, {"s.c": first})
    p2 = make_patch(tmp_path, {"s.c": first}, {"s.c": second})
    assert same_as_git(tmp_path, {"s.c": CRLF}, [p1, p2]) == {"s.c": second}
    root = tmp_path / "tree"
    _write(root, {"s.c": CRLF})
    tree = KernelTree(root)
    mid, end = on_top_of(tree, parse_mbox(p1 + p2)[:1], parse_mbox(p1 + p2)[1])
    assert mid.read_text("s.c", keep_newlines=True).encode() == first
    assert end.read_text("s.c", keep_newlines=True).encode() == second
    assert end.read_text("s.c") == second.decode().replace("\r\n", "\n")  # as open() reads


def test_mbox_with_from_lines_in_bodies(tmp_path: Path) -> None:
    """git format-patch does not escape a commit message line starting with "From ":
    it stays in its message (the subject and the diff of each patch are kept)."""
    p1 = make_patch(tmp_path, {"f.c": LINES}, {"f.c": LINES.replace(b"line 2\n", b"2\n")})
    p2 = make_patch(tmp_path, {"f.c": LINES}, {"f.c": LINES.replace(b"line 9\n", b"9\n")})
    body = b"From the datasheet: the spec says so.\nFrom me, 12:30 too.\n\n---\n"
    first = p1.replace(b"\n---\n", b"\n" + body, 1)
    mbox = first + p2.replace(b"\n---\n", b"\n" + body, 1)
    lone = first[first.index(b"\n") + 1 :]  # one email, without an mbox From line
    patches = parse_mbox(mbox) + parse_mbox(lone)
    assert [p.subject for p in patches] == ["the change"] * 3
    assert [p.files for p in patches] == [("f.c",)] * 3
    assert same_as_git(tmp_path, {"f.c": LINES}, [mbox]) is not None  # git: the first


def test_before_and_after_either_way(tmp_path: Path) -> None:
    """The tree before the patch (b4 am --check) or after it (b4 prep --check)."""
    changed = LINES.replace(b"line 7\n", b"seven\n")
    one = parse_email(make_patch(tmp_path, {"f.c": LINES}, {"f.c": changed}))
    for state in (LINES, changed):
        root = tmp_path / ("before" if state == LINES else "after")
        _write(root, {"f.c": state})
        before, after = before_and_after(KernelTree(root), one, "patch")
        assert before.read_text("f.c").encode() == LINES
        assert after.read_text("f.c").encode() == changed
    _write(tmp_path / "neither", {"f.c": LINES.replace(b"line 7\n", b"7\n")})
    with pytest.raises(PatchError, match=r"^patch: does not apply to the tree \(at f\.c\)$"):
        before_and_after(KernelTree(tmp_path / "neither"), one, "patch")


def test_encoded_email(tmp_path: Path) -> None:
    """A patch email sent quoted-printable: decoded as a mail reader does, then applied
    as git applies the plain one."""
    changed = LINES.replace(b"line 4\n", b"line f\xc3\xb6ur =\n")
    plain = make_patch(tmp_path, {"f.c": LINES}, {"f.c": changed})
    head, body = plain.split(b"\n\n", 1)
    mime = b"MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
    encoded = (
        head
        + b"\n"
        + mime
        + b"Content-Transfer-Encoding: quoted-printable\n\n"
        + body.replace(b"=", b"=3D").replace(b"\xc3\xb6", b"=C3=B6")
    )
    assert encoded != plain and b"quoted-printable" in encoded
    theirs = git_apply(tmp_path, {"f.c": LINES}, [plain])
    assert theirs == {"f.c": changed}
    assert kconsist_apply(tmp_path, {"f.c": LINES}, [encoded]) == theirs


# -- patch paths that leave the tree --------------------------------------------------

ESCAPES = {
    "dotdot": (
        b"diff --git a/../secret.txt b/../secret.txt\n--- a/../secret.txt\n"
        b"+++ b/../secret.txt\n@@ -1 +1 @@\n-top secret\n+changed\n",
        "'../secret.txt' leaves the tree",
    ),
    "deep-dotdot": (
        b"--- a/../../../etc/passwd\n+++ b/../../../etc/passwd\n@@ -1 +1 @@\n-root\n+toor\n",
        "'../../../etc/passwd' leaves the tree",
    ),
    "new-file": (
        b"diff --git a/arch/sparc/include/asm/../../../../../X.h"
        b" b/arch/sparc/include/asm/../../../../../X.h\nnew file mode 100644\n--- /dev/null\n"
        b"+++ b/arch/sparc/include/asm/../../../../../X.h\n@@ -0,0 +1 @@\n+x\n",
        "'arch/sparc/include/asm/../../../../../X.h' leaves the tree",
    ),
    "absolute": (
        b"--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-root\n+toor\n",
        "'/etc/passwd' leaves the tree",
    ),
    "absolute-git": (
        b"diff --git a//etc/passwd b//etc/passwd\n--- a//etc/passwd\n+++ b//etc/passwd\n"
        b"@@ -1 +1 @@\n-root\n+toor\n",
        "'/etc/passwd' leaves the tree",
    ),
    "inside-but-dotdot": (
        b"--- a/arch/../Kconfig\n+++ b/arch/../Kconfig\n@@ -1 +1 @@\n-x\n+y\n",
        "'arch/../Kconfig' is not a plain tree path",
    ),
    "dot-git": (
        b"diff --git a/.git/config b/.git/config\nnew file mode 100644\n--- /dev/null\n"
        b"+++ b/.git/config\n@@ -0,0 +1 @@\n+[core]\n",
        "'.git/config' is not a plain tree path",
    ),
}


def _email(diff: bytes, n: str = "") -> bytes:
    return (
        b"From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
        b"From: Kay Dev <kay@example.org>\nSubject: [PATCH"
        + n.encode()
        + b"] escape\n\n---\n"
        + diff
    )


@pytest.mark.parametrize("name", sorted(ESCAPES))
@pytest.mark.parametrize("command", ["check-patch", "series"])
def test_patch_path_outside_the_tree(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    command: str,
) -> None:
    """An input error naming the path (exit 2, one line), whatever the sentinel file
    beside the tree holds (what the patch expects there, or not): it is never read,
    nor written."""
    diff, message = ESCAPES[name]
    monkeypatch.setenv("KCONSIST_CACHE_DIR", str(tmp_path / "cache"))
    environ = env(tmp_path / "home")
    repo = make_repo(tmp_path / "linux", environ)
    eml = tmp_path / "escape.mbox"
    eml.write_bytes(
        _email(diff, " 1/2") + _email(diff, " 2/2") if command == "series" else _email(diff)
    )
    where = f"{eml}: message 1" if command == "series" else str(eml)
    for secret in (b"top secret\n", b"root\n", b"something else\n"):
        (tmp_path / "secret.txt").write_bytes(secret)
        code = main([command, "--tree", str(repo), str(eml)])
        out, err = capsys.readouterr()
        assert (code, out) == (2, "")
        assert err == f"kconsist: error: {where}: patch path {message}" + _rest(message)
        assert (tmp_path / "secret.txt").read_bytes() == secret
    assert git(repo, environ, "status", "--porcelain", "--ignored") == ""
    # Nothing of the patch is recorded: the cache holds at most the bundled rules.
    cache = tmp_path / "cache"
    assert not cache.exists() or [p.name for p in cache.iterdir()] == ["rules"]


def _rest(message: str) -> str:
    if "not a plain" in message:
        return " (empty, '.', '..' or '.git' component)\n"
    return "\n"


def test_revision_range_with_a_path_outside_the_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crafted commit whose tree has a '..' entry (git mktree takes it): its patch
    names ../passwd, refused like any other."""
    environ = env(tmp_path / "home")
    repo = make_repo(tmp_path / "linux", environ)
    (tmp_path / "passwd").write_bytes(b"root\n")
    blob = run(["git", "hash-object", "-w", "--stdin"], repo, environ, b"secret\n").stdout
    sub = run(["git", "mktree"], repo, environ, f"100644 blob {blob.strip()}\tpasswd\n".encode())
    listing = git(repo, environ, "ls-tree", "HEAD") + f"040000 tree {sub.stdout.strip()}\t..\n"
    tree = run(["git", "mktree"], repo, environ, listing.encode()).stdout.strip()
    evil = git(repo, environ, "commit-tree", tree, "-p", "HEAD", "-m", "evil").strip()
    git(repo, environ, "branch", "evil", evil)
    assert main(["series", "--tree", str(repo), "master..evil"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        "kconsist: error: master..evil: message 1: patch path '../passwd' leaves the tree\n",
    )
    assert (tmp_path / "passwd").read_bytes() == b"root\n"
