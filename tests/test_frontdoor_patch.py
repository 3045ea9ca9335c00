"""``kconsist check-patch`` and ``kconsist series`` on real git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from frontdoor_helpers import (
    SPARC_ERRORS,
    STALE_SELECT_WARNING,
    dependent_series,
    drop_select,
    env,
    git,
    harmless_change,
    kconsist,
    make_repo,
    restore_select,
    split_mbox,
    text_line,
)


@pytest.fixture
def series(tmp_path: Path) -> tuple[Path, dict[str, str], list[bytes]]:
    """v4 at master; branch topic: 1/2 drops sparc's select, 2/2 restores it."""
    environ = env(tmp_path / "home")
    repo = make_repo(tmp_path / "linux", environ)
    git(repo, environ, "checkout", "-q", "-b", "topic")
    drop_select(repo)
    git(repo, environ, "commit", "-qam", "sparc: drop HAVE_ARCH_TLB_REMOVE_TABLE")
    restore_select(repo)
    git(repo, environ, "commit", "-qam", "sparc: select HAVE_ARCH_TLB_REMOVE_TABLE again")
    patches = [
        git(repo, environ, "format-patch", "-1", "--stdout", rev).encode()
        for rev in ("topic~1", "topic")
    ]
    git(repo, environ, "checkout", "-q", "master")
    return repo, environ, patches


def test_patch_not_yet_applied(series: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, patches = series
    proc = kconsist(["check-patch"], repo, environ, stdin=patches[0])
    assert (proc.returncode, proc.stdout.splitlines(), proc.stderr) == (1, SPARC_ERRORS, "")
    assert git(repo, environ, "status", "--porcelain") == ""  # never written


def test_patch_already_applied(series: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, patches = series
    git(repo, environ, "checkout", "-q", "topic~1")
    proc = kconsist(["check-patch", "-"], repo, environ, stdin=patches[0])
    assert (proc.returncode, proc.stdout.splitlines(), proc.stderr) == (1, SPARC_ERRORS, "")


def test_fixing_patch_is_clean(series: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, patches = series
    git(repo, environ, "checkout", "-q", "topic~1")
    proc = kconsist(["check-patch"], repo, environ, stdin=patches[1])
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_preexisting_findings_are_not_blamed(tmp_path: Path) -> None:
    environ = env(tmp_path / "home")
    repo = make_repo(tmp_path / "linux", environ, "pt-reclaim-v3")  # sparc has a finding
    harmless_change(repo)
    git(repo, environ, "commit", "-qam", "sparc: comment")
    patch = git(repo, environ, "format-patch", "-1", "--stdout").encode()
    proc = kconsist(["check-patch"], repo, environ, stdin=patch)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    proc = kconsist(["check-patch", "--all"], repo, environ, stdin=patch)
    assert proc.returncode == 1
    assert [line.split(": ERROR: ")[0] for line in proc.stdout.splitlines()] == [
        "arch/sparc/include/asm/pgalloc_64.h:10"
    ]


def test_patch_that_does_not_apply(series: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, patches = series
    (repo / "arch/sparc/Kconfig").write_text("config SPARC\n\tdef_bool y\n")
    proc = kconsist(["check-patch"], repo, environ, stdin=patches[0])
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "kconsist: error: <stdin>: does not apply to the tree (at arch/sparc/Kconfig)\n"
    )


@pytest.mark.parametrize(
    ("email", "message"),
    [
        (b"Subject: [PATCH] hello\n\nno diff here\n", "no diff found in it"),
        (
            b"Subject: [PATCH] x\n\ndiff --git a/K b/K\n--- a/K\n+++ b/K\n@@ -1,3 +1,3 @@\n x\n",
            "malformed diff: git apply: corrupt patch at line 6",  # git's reason
        ),
    ],
)
def test_malformed_email(tmp_path: Path, email: bytes, message: str) -> None:
    environ = env(tmp_path / "home")
    repo = make_repo(tmp_path / "linux", environ)
    (tmp_path / "bad.eml").write_bytes(email)
    proc = kconsist(["check-patch", str(tmp_path / "bad.eml")], repo, environ)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith(f"kconsist: error: {tmp_path / 'bad.eml'}: ")
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


SERIES_TEXT = [
    "[1/2] sparc: drop HAVE_ARCH_TLB_REMOVE_TABLE (checked: sparc)",
    *[f"  introduces: {text_line(line)} (fixed by 2/2)" for line in SPARC_ERRORS],
    "[2/2] sparc: select HAVE_ARCH_TLB_REMOVE_TABLE again (checked: sparc)",
    *[f"  fixes: {text_line(line)}" for line in SPARC_ERRORS],
    "kconsist: not bisectable: 1/2 introduces 2 findings",
]


@pytest.mark.parametrize("source", ["mbox", "master..topic"])
@pytest.mark.parametrize("at", ["master", "topic"])
def test_series_blames_and_credits(
    series: tuple[Path, dict[str, str], list[bytes]], source: str, at: str
) -> None:
    repo, environ, patches = series
    git(repo, environ, "checkout", "-q", at)  # base or tip: both work
    if source == "mbox":
        (repo.parent / "series.mbox").write_bytes(b"".join(patches))
        source = str(repo.parent / "series.mbox")
    proc = kconsist(["series", source], repo, environ)
    assert (proc.returncode, proc.stdout.splitlines(), proc.stderr) == (1, SERIES_TEXT, "")


def test_series_b4_review_json(series: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, _ = series
    proc = kconsist(["series", "--format", "b4-review", "master..topic"], repo, environ)
    assert proc.returncode == 1
    (entry,) = json.loads(proc.stdout)
    assert {k: entry[k] for k in ("tool", "status", "summary")} == {
        "tool": "kconsist",
        "status": "fail",
        "summary": "not bisectable: 1/2 introduces 2 findings",
    }
    assert json.loads(entry["details"]) == [
        *[
            {"status": "fail", "description": f"1/2 introduces {line} (fixed by 2/2)"}
            for line in SPARC_ERRORS
        ],
        *[{"status": "pass", "description": f"2/2 fixes {line}"} for line in SPARC_ERRORS],
    ]


def test_bisectable_series(series: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, _ = series
    harmless_change(repo)
    git(repo, environ, "commit", "-qam", "sparc: comment")
    proc = kconsist(["series", "HEAD~1..HEAD"], repo, environ)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines() == [
        "[1/1] sparc: comment (checked: sparc)",
        "kconsist: bisectable: none of the 1 patches introduces a finding",
    ]


def test_series_source_that_is_nothing(series: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, _ = series
    proc = kconsist(["series", "no-such-thing"], repo, environ)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "kconsist: error: 'no-such-thing' is neither an mbox file nor a git revision range\n"
    )


# -- check-patch on a series b4 am checks patch by patch (the series cache) -----------

NOT_APPLIED = "kconsist: error: <stdin>: does not apply to the tree (at arch/sparc/Kconfig)\n"


@pytest.fixture
def dependent(tmp_path: Path) -> tuple[Path, dict[str, str], list[bytes]]:
    """v4 at master; the [PATCH v2 k/2] dependent pair (and cover letter) as emails."""
    environ = env(tmp_path / "home", KCONSIST_CACHE_DIR=str(tmp_path / "cache"))
    repo = make_repo(tmp_path / "linux", environ)
    mbox = dependent_series(repo, environ, "--thread", "--cover-letter", "-v2")
    return repo, environ, split_mbox(mbox)


def test_patch_on_top_of_its_series(dependent: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, (_, first, second) = dependent
    proc = kconsist(["check-patch"], repo, environ, stdin=first)
    assert (proc.returncode, proc.stdout.splitlines(), proc.stderr) == (1, SPARC_ERRORS, "")
    proc = kconsist(["check-patch"], repo, environ, stdin=second)
    assert (proc.returncode, proc.stdout.splitlines(), proc.stderr) == (
        1,
        [STALE_SELECT_WARNING],
        "",
    )
    proc = kconsist(["check-patch", "--all"], repo, environ, stdin=second)
    assert (proc.returncode, proc.stdout.splitlines()) == (1, [STALE_SELECT_WARNING, *SPARC_ERRORS])
    assert git(repo, environ, "status", "--porcelain", "--ignored") == ""  # never written
    cached = sorted(p.name for p in (repo.parent / "cache/series").glob("*/*"))
    assert cached == ["1.eml", "2.eml"]


def test_patch_without_its_predecessor(dependent: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, (_, _, second) = dependent
    proc = kconsist(["check-patch"], repo, environ, stdin=second)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", NOT_APPLIED)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"[PATCH v2 2/2]", b"[PATCH v3 2/2]"),  # another version
        (b"[PATCH v2 2/2]", b"[PATCH v2 2/3]"),  # another patch count
        (b"From: Kay Dev <kay@", b"From: Kay Dev <someone.else@"),  # another author
        (b"References: <cover.", b"References: <another-cover."),  # another thread
    ],
)
def test_patch_of_another_series_is_not_stacked(
    dependent: tuple[Path, dict[str, str], list[bytes]], old: bytes, new: bytes
) -> None:
    repo, environ, (_, first, second) = dependent
    assert old in second
    kconsist(["check-patch"], repo, environ, stdin=first)
    proc = kconsist(["check-patch"], repo, environ, stdin=second.replace(old, new))
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", NOT_APPLIED)


def test_series_cache_is_per_head(dependent: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, (_, first, second) = dependent
    kconsist(["check-patch"], repo, environ, stdin=first)
    git(repo, environ, "commit", "-q", "--allow-empty", "-m", "something else")
    proc = kconsist(["check-patch"], repo, environ, stdin=second)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", NOT_APPLIED)


def test_no_series_option(dependent: tuple[Path, dict[str, str], list[bytes]]) -> None:
    repo, environ, (_, first, second) = dependent
    proc = kconsist(["check-patch", "--no-series"], repo, environ, stdin=first)
    assert (proc.returncode, proc.stdout.splitlines()) == (1, SPARC_ERRORS)
    assert not (repo.parent / "cache/series").exists()  # no patch recorded
    kconsist(["check-patch"], repo, environ, stdin=first)
    proc = kconsist(["check-patch", "--no-series"], repo, environ, stdin=second)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", NOT_APPLIED)
