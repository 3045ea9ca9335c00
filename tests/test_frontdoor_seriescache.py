"""The series identity of patch emails, and the series cache of ``check-patch``."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from frontdoor_helpers import env, git, make_repo

from kconsist.frontdoors import seriescache
from kconsist.frontdoors.seriescache import Position, SeriesCache, SeriesId


def _email(subject: str, msgid: str, refs: str = "", reply: str = "", sender: str = "") -> bytes:
    headers = [f"From: {sender or 'Kay Dev <Kay@Example.org>'}", f"Subject: {subject}"]
    headers.append(f"Message-ID: <{msgid}>")
    if reply:
        headers.append(f"In-Reply-To: {reply}")
    if refs:
        headers.append(f"References: {refs}")
    return ("\n".join(headers) + "\n\nbody\n").encode()


def _pos(root: str, index: int, version: int = 1, total: int = 3) -> Position:
    return Position(SeriesId(root, version, total, "kay@example.org"), index)


# -- identity -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("[PATCH 2/3] x", (1, 2, 3)),
        ("[PATCH v4 02/10] mm: x", (4, 2, 10)),
        ("[RFC PATCH net-next V2 1/1] x", (2, 1, 1)),
        ("[PATCH] [v3] [3/3] x", (3, 3, 3)),
        ("[PATCH] x", None),  # a single patch: no series
        ("[PATCH v2 0/3] cover", None),  # the cover letter is no patch
        ("[PATCH 4/3] x", None),
        ("x [PATCH 1/2]", None),  # only the leading tags count
        ("Re: [PATCH 1/2] x", None),
    ],
)
def test_subject_counter(subject: str, expected: tuple[int, int, int] | None) -> None:
    assert seriescache.subject_counter(subject) == expected


def test_patches_replying_to_the_cover_letter() -> None:
    cover = "<cover.1.git.kay@example.org>"
    first = _email("[PATCH v2 1/3] a", "p1@x", refs=cover, reply=cover)
    third = _email("[PATCH v2 3/3] c", "p3@x", refs=cover, reply=cover)
    assert seriescache.identify(first) == _pos("cover.1.git.kay@example.org", 1, 2)
    assert seriescache.identify(third) == _pos("cover.1.git.kay@example.org", 3, 2)


def test_patches_without_cover_letter() -> None:
    """Shallow (2..M reply to 1) or deep (each to the one before): the root is 1/M."""
    first = _email("[PATCH 1/3] a", "p1@x")
    second = _email("[PATCH 2/3] b", "p2@x", refs="<p1@x>", reply="<p1@x>")
    deep = _email("[PATCH 3/3] c", "p3@x", refs="<p1@x>\n <p2@x>", reply="<p2@x>")
    assert [seriescache.identify(m) for m in (first, second, deep)] == [
        _pos("p1@x", 1),
        _pos("p1@x", 2),
        _pos("p1@x", 3),
    ]


def test_a_new_version_in_the_old_thread_is_another_series() -> None:
    old = _email("[PATCH 1/3] a", "old@x", refs="<v1-cover@x>", reply="<v1-cover@x>")
    new = _email("[PATCH v2 1/3] a", "new@x", refs="<v1-cover@x> <v2-cover@x>")
    old_pos, new_pos = seriescache.identify(old), seriescache.identify(new)
    assert old_pos and new_pos and old_pos.series.root == new_pos.series.root == "v1-cover@x"
    assert old_pos.series != new_pos.series  # told apart by the version


def test_encoded_headers() -> None:
    """git format-patch Q-encodes a non-ASCII subject, prefix included."""
    data = (
        b"From: =?UTF-8?q?J=C3=B6rg?= <Joerg@Example.org>\n"
        b"Subject: =?UTF-8?q?=5BPATCH=20v2=202/3=5D=20mm:=20f=C3=BCr?=\n"
        b"Message-Id: <p2@x>\nReferences: <c@x>\n <p1@x>\n\nbody\n"
    )
    assert seriescache.identify(data) == Position(SeriesId("c@x", 2, 3, "joerg@example.org"), 2)


def test_no_series_without_a_message_id_or_author() -> None:
    assert seriescache.identify(b"From: kay@example.org\nSubject: [PATCH 1/2] a\n\nx\n") is None
    assert seriescache.identify(_email("[PATCH 1/2] a", "p1@x", sender="Nobody <>")) is None
    assert seriescache.identify(_email("[PATCH 1/2] a", "p1@x", sender="nobody")) is None


# -- the cache ----------------------------------------------------------------------


def test_earlier_patches_in_order_with_gaps(tmp_path: Path) -> None:
    cache = SeriesCache(tmp_path, ["/linux", "/linux", "head"])
    for i in (3, 1, 4):
        cache.record(_pos("r@x", i, total=5), f"patch {i}".encode())
    assert cache.earlier(_pos("r@x", 5, total=5)) == [b"patch 1", b"patch 3", b"patch 4"]
    assert cache.earlier(_pos("r@x", 3, total=5)) == [b"patch 1"]
    assert cache.earlier(_pos("r@x", 1, total=5)) == []
    cache.record(_pos("r@x", 1, total=5), b"patch 1, checked again")
    assert cache.earlier(_pos("r@x", 2, total=5)) == [b"patch 1, checked again"]


def test_isolated_by_head_tree_and_series(tmp_path: Path) -> None:
    SeriesCache(tmp_path, ["/linux", "/linux", "head-a"]).record(_pos("r@x", 1), b"1")
    same = SeriesCache(tmp_path, ["/linux", "/linux", "head-a"])
    assert same.earlier(_pos("r@x", 2)) == [b"1"]
    assert SeriesCache(tmp_path, ["/linux", "/linux", "head-b"]).earlier(_pos("r@x", 2)) == []
    assert SeriesCache(tmp_path, ["/other", "/other", "head-a"]).earlier(_pos("r@x", 2)) == []
    assert same.earlier(_pos("other@x", 2)) == []
    assert same.earlier(_pos("r@x", 2, version=2)) == []
    assert same.earlier(_pos("r@x", 2, total=4)) == []


def test_entries_older_than_a_day_expire(tmp_path: Path) -> None:
    cache = SeriesCache(tmp_path, ["/linux", "/linux", "head"])
    cache.record(_pos("old@x", 1), b"old")
    cache.record(_pos("new@x", 1), b"new 1")
    cache.record(_pos("new@x", 2), b"new 2")
    now = time.time()
    stale = now - seriescache.MAX_AGE - 60
    (old_dir,) = [d for d in tmp_path.iterdir() if (d / "1.eml").read_bytes() == b"old"]
    os.utime(old_dir / "1.eml", (stale, stale))
    new_dir = next(d for d in tmp_path.iterdir() if d != old_dir)
    os.utime(new_dir / "1.eml", (stale, stale))
    cache.prune(now)
    assert not old_dir.exists()  # emptied, so removed
    assert sorted(p.name for p in new_dir.iterdir()) == ["2.eml"]
    assert cache.earlier(_pos("new@x", 3)) == [b"new 2"]
    cache.prune(now + seriescache.MAX_AGE + 60)
    assert list(tmp_path.iterdir()) == []


def test_prune_without_a_cache_yet(tmp_path: Path) -> None:
    SeriesCache(tmp_path / "absent", ["t", "t", "h"]).prune()
    assert not (tmp_path / "absent").exists()


def test_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KCONSIST_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert seriescache.cache_root() == tmp_path / "xdg/kconsist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert seriescache.cache_root() == tmp_path / "home/.cache/kconsist"
    monkeypatch.setenv("KCONSIST_CACHE_DIR", str(tmp_path / "explicit"))
    assert seriescache.cache_root() == tmp_path / "explicit"


def test_repository_state(tmp_path: Path) -> None:
    environ = env(tmp_path / "home")
    repo = make_repo(tmp_path / "linux with space", environ)
    head = git(repo, environ, "rev-parse", "HEAD").strip()
    assert seriescache.repo_state(repo / "arch") == (str(repo), head)
    assert seriescache.repo_state(tmp_path) is None  # not a git checkout
    git(repo, environ, "checkout", "-q", "--orphan", "unborn")
    assert seriescache.repo_state(repo) is None  # no HEAD commit yet
