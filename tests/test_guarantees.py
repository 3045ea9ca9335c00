"""The tree is never written except by ``kconsist fix``: every other command, front doors
included, leaves a real git checkout byte for byte as it was (README, "Guarantees")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from frontdoor_helpers import drop_select, env, git, kconsist, make_repo, restore_select


def files(root: Path) -> dict[str, bytes]:
    """Every file of the checkout but git's own (git may refresh its index on a read)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """v4 with a branch that drops sparc's select and restores it (a series), the drop
    as a patch file outside the tree, and the drop staged in the working tree."""
    base = tmp_path_factory.mktemp("guarantees")
    environ = env(base / "home")
    repo = make_repo(base / "linux", environ)
    git(repo, environ, "checkout", "-q", "-b", "topic")
    drop_select(repo)
    git(repo, environ, "commit", "-qam", "sparc: drop HAVE_ARCH_TLB_REMOVE_TABLE")
    restore_select(repo)
    git(repo, environ, "commit", "-qam", "sparc: select it again")
    patch = base / "drop.patch"
    patch.write_text(git(repo, environ, "format-patch", "-1", "--stdout", "topic~1"))
    git(repo, environ, "checkout", "-q", "master")
    drop_select(repo)
    git(repo, environ, "add", "arch/sparc/Kconfig")
    return repo, environ, patch


@pytest.mark.parametrize(
    "args,code",
    [
        (["audit", ".", "--format", "json"], 1),
        (["audit", ".", "--changed-from", "HEAD"], 1),
        (["explain", ".", "--arch", "sparc"], 0),
        (["fix", ".", "--dry-run"], 0),
        (["precommit", "arch/sparc/Kconfig"], 1),
        (["check-patch", "--no-series", "PATCH"], 1),
        (["check-patch", "PATCH"], 1),  # records the patch in the series cache, not the tree
        (["series", "topic~1..topic"], 0),  # re-adds the select the working tree drops
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else str(v),
)
def test_no_command_but_fix_writes_the_tree(
    checkout: tuple[Path, dict[str, str], Path], args: list[str], code: int
) -> None:
    repo, environ, patch = checkout
    environ = {**environ, "KCONSIST_CACHE_DIR": str(patch.parent / "cache")}
    before = files(repo)
    status = git(repo, environ, "status", "--porcelain")
    proc = kconsist([str(patch) if a == "PATCH" else a for a in args], repo, environ)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert files(repo) == before
    assert git(repo, environ, "status", "--porcelain") == status


def test_readme_guarantees_name_tests_that_exist() -> None:
    """Every ``module::name`` the README's "Guarantees" table cites is a test function."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    cited = re.findall(r"`(test_\w+)::(\w+)`", section)
    assert len(cited) >= 20
    tests = Path(__file__).resolve().parent
    missing = [
        f"{module}::{name}"
        for module, name in cited
        if f"def {name}(" not in (tests / f"{module}.py").read_text()
    ]
    assert missing == []
