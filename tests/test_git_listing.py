"""``git.list_tree`` asked about a few paths lists what the whole listing holds for
them: file names with pathspec magic are taken literally, a directory's files are
listed, a path absent from the commit is absent."""

from __future__ import annotations

import subprocess
from pathlib import Path

from kconsist import git


def _git(repo: Path, *args: str) -> None:
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", *ident, *args], cwd=repo, check=True, capture_output=True)


def test_a_listing_by_paths_equals_the_whole_listing_there(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "drivers/net").mkdir(parents=True)
    (repo / "drivers/net/Kconfig").write_text("config NET\n\tbool\n")
    (repo / "drivers/net/a.c").write_text("int a;\n")
    (repo / "*.c").write_text("int star;\n")  # pathspec magic, taken literally
    (repo / ":(glob)x").write_text("int glob;\n")
    (repo / "mm").mkdir()
    (repo / "mm/Kconfig").write_text("config MM\n\tbool\n")
    (repo / "link").symlink_to("mm")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    whole = git.list_tree(repo, "HEAD")
    asked = ["drivers/net/Kconfig", "*.c", ":(glob)x", "mm", "new/file.c", "link"]
    part = git.list_tree(repo, "HEAD", asked)

    def under(rel: str) -> bool:
        return any(rel == p or rel.startswith(p + "/") for p in asked)

    assert part.blobs == {r: s for r, s in whole.blobs.items() if under(r)}
    assert part.others == {r for r in whole.others if under(r)}
    assert set(part.blobs) == {"drivers/net/Kconfig", "*.c", ":(glob)x", "mm/Kconfig"}
    assert part.others == {"link"}
