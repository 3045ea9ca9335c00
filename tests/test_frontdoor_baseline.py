"""``kconsist precommit`` run by hand in real git repositories: only the findings the
staged change introduces against HEAD (built in memory), ``--all`` for every one."""

from __future__ import annotations

from pathlib import Path

import pytest
from frontdoor_helpers import (
    POWERPC_ERRORS,
    REMOVER,
    SPARC32_ERROR,
    SPARC_ERRORS,
    add_sparc32_remover,
    commit_old_finding,
    drop_powerpc_select,
    drop_select,
    env,
    git,
    harmless_change,
    kconsist,
    make_repo,
    summary_lines,
    text_line,
)

from kconsist.frontdoors import precommit
from kconsist.tree import KernelTree

OLD = [text_line(line) for line in SPARC_ERRORS]  # pgalloc_64.h:9, in HEAD
STALE_SELECT = (
    "arch/sparc/Kconfig:18: warning: [tlb-remove-table-stale-select] sparc selects"
    " HAVE_ARCH_TLB_REMOVE_TABLE (arch/sparc/Kconfig:18, in effect when SPARC64 && SMP) in a"
    " configuration where it compiles no __tlb_remove_table() of its own:"
    " ARCH=sparc64 SPARC64=y SMP=y"
)


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return env(tmp_path / "home")


@pytest.fixture
def old(tmp_path: Path, environ: dict[str, str]) -> Path:
    """A repository whose HEAD already has sparc's two findings."""
    repo = make_repo(tmp_path / "linux", environ)
    commit_old_finding(repo, environ)
    return repo


def _precommit(repo: Path, environ: dict[str, str], *args: str) -> tuple[int, list[str], str]:
    """Exit code, stdout lines and stderr of ``kconsist precommit`` on the staged files."""
    staged = git(repo, environ, "diff", "--cached", "--name-only", "--diff-filter=d")
    proc = kconsist(["precommit", *args, *staged.split()], repo, environ)
    return proc.returncode, proc.stdout.splitlines(), proc.stderr


def test_old_finding_does_not_block(old: Path, environ: dict[str, str]) -> None:
    harmless_change(old)
    git(old, environ, "add", "arch/sparc/Kconfig")
    status = git(old, environ, "status", "--porcelain")
    assert _precommit(old, environ) == (0, [], "")
    assert git(old, environ, "status", "--porcelain") == status  # nothing written


def test_new_finding_on_the_same_arch(old: Path, environ: dict[str, str]) -> None:
    add_sparc32_remover(old)
    git(old, environ, "add", "-A")
    assert _precommit(old, environ) == (1, [SPARC32_ERROR, *summary_lines(1)], "")
    # One finding per site: the old remover's findings stay, and are not new.
    everything = [SPARC32_ERROR, *OLD, *summary_lines(3)]
    assert _precommit(old, environ, "--all") == (1, everything, "")


def test_new_finding_on_another_arch(old: Path, environ: dict[str, str]) -> None:
    harmless_change(old)
    drop_powerpc_select(old)
    git(old, environ, "add", "-A")
    assert _precommit(old, environ) == (1, [*POWERPC_ERRORS, *summary_lines(8, arches=2)], "")
    everything = [*POWERPC_ERRORS, *OLD, *summary_lines(10, arches=2)]
    assert _precommit(old, environ, "--all") == (1, everything, "")


def test_first_commit_everything_is_new(tmp_path: Path, environ: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "linux", environ)
    git(repo, environ, "update-ref", "-d", "HEAD")  # unborn branch, files still staged
    drop_select(repo)
    git(repo, environ, "add", "-A")
    # Every file is staged, Kconfig included: every arch is checked.
    assert _precommit(repo, environ) == (1, [*OLD, *summary_lines(2, arches=3)], "")


def test_fixing_the_old_finding_passes(old: Path, environ: dict[str, str]) -> None:
    git(old, environ, "rm", "-q", REMOVER)  # staged deletion: restored in the before state
    assert _precommit(old, environ) == (0, [], "")


def test_staged_deletion_introduces(tmp_path: Path, environ: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "linux", environ)
    git(repo, environ, "rm", "-q", REMOVER)  # the select stays, now stale
    assert _precommit(repo, environ) == (1, [STALE_SELECT, *summary_lines(0, 1)], "")


def test_staged_addition_is_absent_before(old: Path, environ: dict[str, str]) -> None:
    header = old / "arch/sparc/include/asm/extra.h"
    header.write_text("static inline void __tlb_remove_table(void *t)\n{\n}\n")
    git(old, environ, "add", "-A")
    code, lines, _ = _precommit(old, environ)
    assert code == 1
    assert [line.split(" ")[:3] for line in lines] == [
        ["arch/sparc/include/asm/extra.h:1:", "error:", "[pt-reclaim-custom-remover]"],
        ["arch/sparc/include/asm/extra.h:1:", "error:", "[tlb-remove-table-kconfig]"],
        ["note:", "20", "rules"],
        ["kconsist:", "2", "findings"],
    ]


def test_before_state_in_memory(old: Path, environ: dict[str, str]) -> None:
    """HEAD's content for modified files, renamed-away files restored, added ones gone."""
    renamed = "arch/sparc/include/asm/pgalloc64.h"
    git(old, environ, "mv", REMOVER, renamed)
    harmless_change(old)
    git(old, environ, "add", "-A")
    tree = KernelTree.open(old)
    deleted = precommit.deleted_files(tree)
    assert deleted == [REMOVER]
    commit = precommit.base_commit(tree)
    assert commit == git(old, environ, "rev-parse", "HEAD").strip()
    before = precommit.before_commit(tree, ["arch/sparc/Kconfig", renamed, *deleted], commit)
    assert before.read_text(REMOVER) == git(old, environ, "show", f"HEAD:{REMOVER}")
    assert not before.exists(renamed)
    assert before.read_text("arch/sparc/Kconfig") == git(
        old, environ, "show", "HEAD:arch/sparc/Kconfig"
    )
    assert tree.exists(renamed) and not tree.exists(REMOVER)  # the tree itself is untouched
