"""Real b4, offline: ``b4 prep --check`` and ``b4 am --check`` run ``kconsist check-patch``
as configured in hooks/ (git config ``b4.*-perpatch-check-cmd``)."""

from __future__ import annotations

import re
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
    kconsist_shim,
    make_repo,
    run,
    tool,
)

CHECK_CMD = "kconsist check-patch"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _b4_lines(output: str) -> list[str]:
    """b4's report lines of kconsist (b4 prefixes them with the command's name)."""
    clean = ANSI.sub("", output)
    return [m.group(1) for m in re.finditer(r"^\s*\S+ kconsist: (.*)$", clean, re.M)]


@pytest.fixture
def b4_env(tmp_path: Path) -> dict[str, str]:
    environ = env(tmp_path / "home")
    environ.pop("KCONSIST_CACHE_DIR", None)  # the default place, under this HOME
    kconsist_shim(tmp_path / "home")
    return environ


@pytest.mark.parametrize(("change", "expected"), [("bad", SPARC_ERRORS), ("good", [])])
def test_prep_check(tmp_path: Path, b4_env: dict[str, str], change: str, expected: list) -> None:
    repo = make_repo(tmp_path / "linux", b4_env)
    git(repo, b4_env, "config", "b4.prep-perpatch-check-cmd", CHECK_CMD)
    proc = run([tool("b4"), "prep", "-n", "tlb-series"], repo, b4_env)
    assert proc.returncode == 0, proc.stderr
    drop_select(repo) if change == "bad" else harmless_change(repo)
    git(repo, b4_env, "commit", "-qam", f"sparc: a {change} change")
    proc = run([tool("b4"), "prep", "--check"], repo, b4_env)
    out = ANSI.sub("", proc.stdout + proc.stderr)
    assert proc.returncode == 0, out
    assert _b4_lines(out) == expected  # b4 prep lists a patch's checks only when it fails
    summary = "Success: 0, Warning: 0, Error: 2" if expected else "Success: 1, Warning: 0, Error: 0"
    assert summary in out


@pytest.mark.parametrize(("change", "expected"), [("bad", SPARC_ERRORS), ("good", [])])
def test_am_check(tmp_path: Path, b4_env: dict[str, str], change: str, expected: list) -> None:
    repo = make_repo(tmp_path / "linux", b4_env)
    git(repo, b4_env, "config", "b4.am-perpatch-check-cmd", CHECK_CMD)
    git(repo, b4_env, "checkout", "-q", "-b", "topic")
    drop_select(repo) if change == "bad" else harmless_change(repo)
    git(repo, b4_env, "commit", "-qam", f"sparc: a {change} change")
    mbox = tmp_path / "series.mbox"
    mbox.write_text(git(repo, b4_env, "format-patch", "--thread", "--stdout", "master..topic"))
    git(repo, b4_env, "checkout", "-q", "master")  # b4 am checks against HEAD before the patch
    args = [tool("b4"), "--offline-mode", "--no-stdin", "am", "--check", "-m", str(mbox)]
    proc = run([*args, "-o", str(tmp_path / "out")], repo, b4_env)
    out = ANSI.sub("", proc.stdout + proc.stderr)
    assert proc.returncode == 0, out
    assert _b4_lines(out) == (expected or ["passed all checks"])
    assert "Base: applies clean to current tree" in out
    assert git(repo, b4_env, "status", "--porcelain") == ""


def _am_check(repo: Path, environ: dict[str, str], mbox: Path) -> str:
    args = [tool("b4"), "--offline-mode", "--no-stdin", "am", "--check", "-m", str(mbox)]
    proc = run([*args, "-o", str(mbox.parent / "out")], repo, environ)
    out = ANSI.sub("", proc.stdout + proc.stderr)
    assert proc.returncode == 0, out
    return out


@pytest.mark.parametrize(
    "threading",
    [
        ["--thread", "--cover-letter", "-v2"],  # patches reply to the cover letter
        ["--thread"],  # 2/2 replies to 1/2
        ["--thread=deep", "--cover-letter"],  # each message replies to the one before
    ],
)
def test_am_check_dependent_series(
    tmp_path: Path, b4_env: dict[str, str], threading: list[str]
) -> None:
    """2/2 only applies on top of 1/2: it is checked on top of it, and blamed only for
    what it adds (the stale select), not for 1/2's findings."""
    repo = make_repo(tmp_path / "linux", b4_env)
    git(repo, b4_env, "config", "b4.am-perpatch-check-cmd", CHECK_CMD)
    mbox = tmp_path / "series.mbox"
    mbox.write_text(dependent_series(repo, b4_env, *threading))
    out = _am_check(repo, b4_env, mbox)
    assert _b4_lines(out) == [*SPARC_ERRORS, STALE_SELECT_WARNING]
    assert "does not apply" not in out
    assert git(repo, b4_env, "status", "--porcelain") == ""  # never written
    cached = sorted(p.name for p in (tmp_path / "home/.cache/kconsist/series").glob("*/*"))
    assert cached == ["1.eml", "2.eml"]


def test_am_check_without_series_cache(tmp_path: Path, b4_env: dict[str, str]) -> None:
    """``--no-series``: each patch against HEAD on its own, as before."""
    repo = make_repo(tmp_path / "linux", b4_env)
    git(repo, b4_env, "config", "b4.am-perpatch-check-cmd", f"{CHECK_CMD} --no-series")
    mbox = tmp_path / "series.mbox"
    mbox.write_text(dependent_series(repo, b4_env, "--thread", "--cover-letter"))
    out = _am_check(repo, b4_env, mbox)
    assert _b4_lines(out) == [
        *SPARC_ERRORS,
        "kconsist: error: <stdin>: does not apply to the tree (at arch/sparc/Kconfig)",
    ]
    assert not (tmp_path / "home/.cache/kconsist/series").exists()
