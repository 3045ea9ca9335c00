"""Property-based: any patch email or mbox, however mangled (truncated, random bytes,
CRLF, NUL, bogus headers, odd paths), ends in a result or in ONE input error naming a
file (exit 2): never a traceback, never an internal error, never a read outside the
tree. Seeds are real ``git format-patch`` emails of the example tree; the example
counts are bounded so the module stays well under a minute. The deadline is a guard
against hangs, not a speed target."""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from frontdoor_helpers import drop_select, env, git, harmless_change, make_repo, split_mbox
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kconsist.frontdoors.patch import PatchError, before_and_after, parse_mbox
from kconsist.main import main
from kconsist.tree import KernelTree

SETTINGS = settings(
    deadline=timedelta(seconds=30),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # capsys: read out after every example
    ],
    derandomize=True,  # the same examples on every run: CI stays reproducible
    database=None,
)

ODD_PATHS = [
    "../outside.txt",
    "../../../etc/passwd",
    "/etc/passwd",
    "arch/sparc/include/asm/../../../../../X.h",
    "arch/../Kconfig",
    "./Kconfig",
    ".git/config",
    "arch//sparc/Kconfig",
    "arch/sparc/Kconfig/",
    "a b/c d.h",
    "new\nline.h",
    "tab\there.h",
    '"quoted\\n.h"',
    "caf\u00e9/\u2603.h",
    "x" * 300,
    "",
    "dev/null",
    "/dev/null",
]

HEADERS = [
    b"Content-Transfer-Encoding: base64\n",
    b"Content-Transfer-Encoding: quoted-printable\n",
    b'Content-Type: multipart/mixed; boundary="zz"\n',
    b"Content-Type: text/plain; charset=no-such-charset\n",
    b"Content-Type: application/octet-stream\n",
    b"Subject: =?utf-8?q?=E2=98=83_broken?=  =?bogus?b?////?=\n",
    b"Subject: [PATCH v2 1/0] zero patches\n",
    b"From: <<<@>>>\n",
    b'From: "unterminated <kay@example.org\n',
    b"References: <a@b> <<c>\n",
    b"In-Reply-To: \x00\xff\n",
    b"Message-ID: " + b"<" * 500 + b"\n",
    b"X-Long: " + b"y" * 5000 + b"\n",
    b"\tcontinuation without header\n",
    b"No colon header line\n",
]


@functools.cache
def seeds() -> tuple[Path, tuple[bytes, ...]]:
    """A git repository of the example tree at its base, and the emails of a small
    series on top of it: a Kconfig change, a new header, a rename, a deletion."""
    tmp = Path(tempfile.mkdtemp(prefix="kconsist-fuzz-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    environ = env(tmp / "home")
    repo = make_repo(tmp / "linux", environ)
    git(repo, environ, "checkout", "-q", "-b", "topic")
    drop_select(repo)
    git(repo, environ, "commit", "-qam", "sparc: drop the select")
    (repo / "arch/sparc/include/asm/new.h").write_bytes(b"#ifndef X\r\n#define X\r\n#endif")
    harmless_change(repo)
    git(repo, environ, "add", "-A")
    git(repo, environ, "commit", "-qm", "sparc: a new CRLF header without a last newline")
    git(repo, environ, "mv", "arch/sparc/include/asm/tlb_64.h", "arch/sparc/include/asm/tlb.h")
    git(repo, environ, "rm", "-q", "arch/sparc/include/asm/pgalloc_32.h")
    git(repo, environ, "commit", "-qm", "sparc: rename and delete")
    mbox = git(repo, environ, "format-patch", "--stdout", "--thread", "-M", "master..topic")
    git(repo, environ, "checkout", "-q", "master")
    return repo, tuple(split_mbox(mbox))


@st.composite
def mangled(draw: st.DrawFn, email: bytes) -> bytes:
    """``email`` through a few random mutations."""
    data = email
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["cut", "insert", "replace", "crlf", "nul", "header", "path"]))
        at = draw(st.integers(0, len(data)))
        if kind == "cut":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(max_size=40)) + data[at:]
        elif kind == "replace":
            data = data[:at] + draw(st.binary(max_size=20)) + data[at + draw(st.integers(0, 60)) :]
        elif kind == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif kind == "nul":
            data = data[:at] + b"\0" + data[at:]
        elif kind == "header":
            data = draw(st.sampled_from(HEADERS)) + data
        else:
            data = _odd_path(data, draw(st.sampled_from(ODD_PATHS)))
    return data


def _odd_path(data: bytes, path: str) -> bytes:
    """Every mention of one of the series' paths replaced by ``path``."""
    names = re.findall(rb"arch/sparc/[\w/.]+", data)
    if not names:
        return data
    return data.replace(names[0], path.encode("utf-8"))


def emails() -> st.SearchStrategy[bytes]:
    # deferred: the seeds are made when a test first draws, not when pytest collects
    return st.deferred(lambda: st.sampled_from(seeds()[1]).flatmap(mangled))


def mboxes() -> st.SearchStrategy[bytes]:
    return st.lists(emails(), min_size=0, max_size=3).map(b"".join)


# -- the functions ------------------------------------------------------------------


@settings(SETTINGS, max_examples=60)
@given(data=mboxes())
def test_reading_and_applying(data: bytes) -> None:
    """Parsed and applied either way: patches, or a PatchError naming the mbox."""
    repo, _ = seeds()
    tree = KernelTree(repo)
    try:
        patches = parse_mbox(data, "fuzz.mbox")
    except PatchError as e:
        event("refused when read")
        assert e.file is not None and e.file.startswith("fuzz.mbox")
        assert "\n" not in str(e)
        return
    for p in patches:
        assert all(not name.startswith("/") and ".." not in name.split("/") for name in p.files)
        try:
            before, after = before_and_after(tree, p, "fuzz.mbox")
        except PatchError as e:
            event("a patch does not apply")
            assert str(e).startswith("fuzz.mbox: does not apply to the tree")
            assert "\n" not in str(e)
            continue
        event("a patch applies")
        assert set(before.overlay) | set(after.overlay) <= set(p.files)


# -- the command line ----------------------------------------------------------------


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The series cache in a temporary directory (check-patch records patches)."""
    path = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KCONSIST_CACHE_DIR", str(path))
        yield path


def _check_cli(args: list[str], source: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = seeds()
    code = main([*args, "--tree", str(repo), str(source)])
    _, err = capsys.readouterr()
    event(f"exit {code}")
    assert code in (0, 1, 2), (code, err)
    if code == 2:
        assert err.startswith(f"kconsist: error: {source}"), err
        assert len(err.splitlines()) == 1, err
    else:
        assert err == ""
    assert "Traceback" not in err and "internal error" not in err
    # the tree is never written
    assert git(repo, env(repo.parent / "home"), "status", "--porcelain", "--ignored") == ""


@settings(SETTINGS, max_examples=40)
@given(data=emails())
def test_check_patch(
    data: bytes,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    source = tmp_path_factory.mktemp("eml") / "patch.eml"
    source.write_bytes(data)
    _check_cli(["check-patch"], source, capsys)


@settings(SETTINGS, max_examples=30)
@given(data=mboxes())
def test_series(
    data: bytes, capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    source = tmp_path_factory.mktemp("mbox") / "series.mbox"
    source.write_bytes(data)
    _check_cli(["series"], source, capsys)


def test_seeds_apply(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The unmangled seeds are valid: the properties above see real results too."""
    repo, emails_ = seeds()
    assert len(emails_) == 3
    source = tmp_path / "series.mbox"
    source.write_bytes(b"".join(emails_))
    assert main(["series", "--tree", str(repo), str(source)]) == 1
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("[1/3] sparc: drop the select (checked: sparc)")
    tree = KernelTree(repo)
    patches = parse_mbox(source.read_bytes())
    assert [len(p.files) for p in patches] == [1, 2, 3]
    before, after = before_and_after(tree, patches[1], "2/3")
    assert before is tree
    assert after.read_text("arch/sparc/include/asm/new.h", keep_newlines=True) == (
        "#ifndef X\r\n#define X\r\n#endif"
    )
