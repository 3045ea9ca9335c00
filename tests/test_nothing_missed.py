"""Nothing is missed silently (issue 11, item 5): any byte of a file name survives git
(``-z`` listings) and the tree model; a change that deletes an arch's Kconfig, or the
whole arch, is reported rather than passing; a whole-tree audit lists an arch directory
without a Kconfig as skipped, with its reason. Real git repositories throughout."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from frontdoor_helpers import EXAMPLES, env, git, kconsist, make_repo

from kconsist import git as kgit
from kconsist.rulelang import path_glob
from kconsist.tree import KernelTree

ASM = "arch/sparc/include/asm/"
# A sparc32 remover in a header no other file includes: a new finding on examples/pt-reclaim-v4.
REMOVER_32 = (
    "#ifndef CONFIG_SMP\nstatic inline void __tlb_remove_table(void *_table)\n{\n}\n#endif\n"
)
# Names that break a line-, quote- or UTF-8-based reading of git's output.
NAMES = [
    "with space.h",
    "new\nline.h",
    "tab\there.h",
    'quote"d\\.h',
    "caf\u00e9.h",
    os.fsdecode(b"bad\xffutf8.h"),  # not UTF-8: kept with surrogateescape
]
IDS = ["space", "newline", "tab", "quote-backslash", "unicode", "invalid-utf8"]


def finding_line(name: str) -> str:
    """The text line of the remover in ``ASM + name`` (control characters escaped)."""
    shown = (ASM + name).replace("\n", "\\n")  # tab is kept
    return (
        f"{shown}:2: error: [tlb-remove-table-kconfig] sparc provides its own"
        f" __tlb_remove_table() (function at {shown}:2, compiled when !SMP) but"
        " HAVE_ARCH_TLB_REMOVE_TABLE is not selected for it: ARCH=sparc32"
        " HAVE_ARCH_TLB_REMOVE_TABLE=n SMP=n"
    )


ARCH_GONE = (
    "arch/sparc/Kconfig: input error: arch/sparc has no Kconfig, so arch sparc cannot be"
    " checked (arch sparc)"
)


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    environ = env(tmp_path / "home")
    return make_repo(tmp_path / "linux", environ), environ


# -- git plumbing ------------------------------------------------------------------


def test_every_git_listing_keeps_any_byte_of_a_name(repo: tuple[Path, dict[str, str]]) -> None:
    root, environ = repo
    for name in NAMES:
        (root / ASM / ("old " + name)).write_text("/* old */\n")
    git(root, environ, "add", "-A")
    git(root, environ, "commit", "-q", "-m", "odd names")
    for name in NAMES:
        (root / ASM / ("old " + name)).unlink()
        (root / ASM / name).write_text("/* new */\n")
    git(root, environ, "add", "-A")
    staged = {ASM + n for n in NAMES}
    deleted = {ASM + "old " + n for n in NAMES}
    assert set(kgit.deleted_files(root)) == deleted
    assert set(kgit.changed_files(root, "HEAD")) == staged | deleted
    listing = kgit.list_tree(root, "HEAD")
    assert deleted <= set(listing.blobs)
    blobs = kgit.read_blobs(root, [listing.blobs[rel] for rel in sorted(deleted)])
    assert set(blobs.values()) == {b"/* old */\n"}


def test_top_level_with_a_newline(tmp_path: Path) -> None:
    environ = env(tmp_path / "home")
    root = make_repo(tmp_path / "top\nlevel", environ)
    head = git(root, environ, "rev-parse", "HEAD").strip()
    assert kgit.toplevel_and_head(root) == (str(root), head)


def test_a_failing_git_listing_is_an_error_not_an_empty_change(
    repo: tuple[Path, dict[str, str]],
) -> None:
    """A pre-push range git cannot read: exit 2 naming git, never "nothing deleted"."""
    root, environ = repo
    environ = {**environ, "PRE_COMMIT_FROM_REF": "no-such-ref", "PRE_COMMIT_TO_REF": "HEAD"}
    proc = kconsist(["precommit"], root, environ)
    assert proc.returncode == 2
    assert proc.stderr.startswith("kconsist: error: git diff failed: ")
    assert len(proc.stderr.splitlines()) == 1


def test_fact_paths_match_any_byte() -> None:
    assert path_glob("arch/sparc/**").fullmatch("arch/sparc/include/asm/new\nline.h")
    assert path_glob("arch/*/include/*.h").fullmatch("arch/sparc/include/a\nb.h")
    assert not path_glob("arch/*/x.h").fullmatch("arch/a\n/b/x.h")  # '*' stays in a directory


# -- file names through the front doors ---------------------------------------------


@pytest.mark.parametrize("name", NAMES, ids=IDS)
def test_staged_header_of_any_name_is_found(repo: tuple[Path, dict[str, str]], name: str) -> None:
    root, environ = repo
    (root / ASM / name).write_text(REMOVER_32)
    git(root, environ, "add", "-A")
    proc = kconsist(["precommit", ASM + name], root, environ)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[0] == finding_line(name)
    proc = kconsist(["audit", "--changed-from", "HEAD", "--format", "json"], root, environ)
    assert proc.returncode == 1, proc.stderr
    (finding,) = json.loads(proc.stdout)["findings"]
    assert finding["file"] == ASM + name


# -- an arch deleted, or left without its Kconfig -----------------------------------


def test_staged_deletion_of_an_arch_kconfig_is_reported(repo: tuple[Path, dict[str, str]]) -> None:
    root, environ = repo
    git(root, environ, "rm", "-q", "arch/sparc/Kconfig")
    proc = kconsist(["precommit"], root, environ)  # pre-commit passes no deleted file
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout.splitlines()[0] == ARCH_GONE
    proc = kconsist(["audit", "--changed-from", "HEAD"], root, environ)
    assert proc.returncode == 2
    assert proc.stdout.splitlines()[0] == ARCH_GONE


def test_staged_deletion_of_a_whole_arch_is_reported(repo: tuple[Path, dict[str, str]]) -> None:
    root, environ = repo
    git(root, environ, "rm", "-rq", "arch/sparc")
    assert not (root / "arch/sparc").exists()
    proc = kconsist(["precommit"], root, environ)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout.splitlines()[0] == ARCH_GONE


def test_staged_deletion_of_a_sourced_kconfig_is_reported(
    repo: tuple[Path, dict[str, str]],
) -> None:
    """mm/Kconfig, which the top Kconfig sources: every arch fails to load, each says so."""
    root, environ = repo
    git(root, environ, "rm", "-q", "mm/Kconfig")
    proc = kconsist(["precommit"], root, environ)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.rsplit(" (arch ", 1)[1] for line in lines[:-1]] == ["powerpc)", "sparc)", "x86)"]
    assert all(line.startswith("Kconfig:6: input error: ") for line in lines[:-1])
    assert all("mm/Kconfig" in line for line in lines[:-1])


def test_a_deleted_arch_kconfig_already_committed_is_not_new(
    repo: tuple[Path, dict[str, str]],
) -> None:
    """Only the change that removes the arch is reported: the next one passes."""
    root, environ = repo
    git(root, environ, "rm", "-q", "arch/sparc/Kconfig")
    git(root, environ, "commit", "-q", "-m", "sparc: no Kconfig")
    (root / ASM / "pgalloc_64.h").write_text("/* nothing */\n")
    git(root, environ, "add", "-A")
    proc = kconsist(["precommit", ASM + "pgalloc_64.h"], root, environ)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_whole_tree_audit_lists_an_arch_without_kconfig(tmp_path: Path) -> None:
    root = tmp_path / "linux"
    shutil.copytree(EXAMPLES / "pt-reclaim-v4", root)
    (root / "arch/x86/Kconfig").unlink()
    environ = env(tmp_path / "home")
    reason = "arch/x86 has no Kconfig, so arch x86 cannot be checked"
    proc = kconsist(["audit", "--format", "json", "."], root, environ)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["arches"] == ["powerpc", "sparc"]
    assert {"rule": None, "reason": reason, "arches": ["x86"]} in data["skipped"]
    proc = kconsist(["audit", "."], root, environ)
    lines = proc.stdout.splitlines()
    assert lines[0] == f"note: arch x86 skipped: {reason}"
    assert ", 20 rules skipped, 1 arch skipped, 45 rules on 2 arches" in lines[-1]


def test_arches_follow_the_overlay() -> None:
    tree = KernelTree.open(EXAMPLES / "pt-reclaim-v4")
    gone = tree.with_overlay({"arch/sparc/Kconfig": None})
    assert gone.arches() == ["powerpc", "x86"]
    assert gone.not_arches() == {
        "sparc": "arch/sparc has no Kconfig, so arch sparc cannot be checked"
    }
    new = tree.with_overlay({"arch/vax/Kconfig": "config VAX\n\tdef_bool y\n"})
    assert new.arches() == ["powerpc", "sparc", "vax", "x86"]
    assert tree.not_arches() == {}
    assert tree.with_overlay({"arch/Kconfig": "# edited\n"}).not_arches() == {}
