"""``kconsist fix`` on copies of the example trees: restores upstream lines byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kconsist import fix as fixes
from kconsist.main import main
from kconsist.rulelang import load_rules
from kconsist.tree import KernelTree, TreeError

ROOT = Path(__file__).resolve().parent.parent
V4 = ROOT / "examples/pt-reclaim-v4"
SPARC_SELECT = "\tselect HAVE_ARCH_TLB_REMOVE_TABLE if SMP\n"
PPC_SELECT = "\tselect HAVE_ARCH_TLB_REMOVE_TABLE\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    dest = tmp_path / "tree"
    shutil.copytree(V4, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "rel,line", [("arch/sparc/Kconfig", SPARC_SELECT), ("arch/powerpc/Kconfig", PPC_SELECT)]
)
def test_fix_restores_a_removed_select_exactly(capsys, tree, rel, line):
    original = snapshot(tree)
    edit(tree / rel, line, "")
    assert main(["audit", str(tree)]) == 1
    capsys.readouterr()

    assert main(["fix", str(tree)]) == 0
    out = capsys.readouterr().out
    assert f"[tlb-remove-table-kconfig] {rel.split('/')[1]}: {rel}:" in out
    assert snapshot(tree) == original  # byte for byte, nothing else touched

    assert main(["audit", str(tree)]) == 0
    assert main(["fix", str(tree)]) == 0  # idempotent: nothing left to do
    assert "kconsist: nothing to fix" in capsys.readouterr().out
    assert snapshot(tree) == original


def test_fix_corrects_a_wrong_condition(capsys, tree):
    original = snapshot(tree)
    edit(tree / "arch/sparc/Kconfig", SPARC_SELECT, "\tselect HAVE_ARCH_TLB_REMOVE_TABLE if !SMP\n")
    assert main(["fix", str(tree)]) == 0
    assert snapshot(tree) == original


def test_fix_deletes_the_legacy_macro(capsys, tree):
    original = snapshot(tree)
    header = tree / "arch/sparc/include/asm/tlb_64.h"
    edit(
        header,
        "#include <asm-generic/tlb.h>",
        "#define __HAVE_ARCH_TLB_REMOVE_TABLE\n#include <asm-generic/tlb.h>",
    )
    assert main(["fix", str(tree), "--rule", "tlb-remove-table-legacy-macro"]) == 0
    assert snapshot(tree) == original


def test_dry_run_prints_a_diff_and_writes_nothing(capsys, tree):
    edit(tree / "arch/sparc/Kconfig", SPARC_SELECT, "")
    before = snapshot(tree)
    assert main(["fix", str(tree), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert snapshot(tree) == before
    assert out.splitlines()[:2] == ["--- a/arch/sparc/Kconfig", "+++ b/arch/sparc/Kconfig"]
    assert "+\tselect HAVE_ARCH_TLB_REMOVE_TABLE if SMP" in out.splitlines()


def test_fix_keeps_spaces_indentation_and_crlf(capsys, tree):
    kconfig = tree / "arch/sparc/Kconfig"
    text = kconfig.read_text().replace(SPARC_SELECT, "").replace("\t", "    ")
    kconfig.write_bytes(text.replace("\n", "\r\n").encode())
    assert main(["fix", str(tree)]) == 0
    data = kconfig.read_bytes()
    assert (
        b"    select MMU_GATHER_RCU_TABLE_FREE if SMP\r\n"
        b"    select HAVE_ARCH_TLB_REMOVE_TABLE if SMP\r\n" in data
    )


# -- fix refuses what it must not write (issue 11, item 6) --------------------------
# The tests run as root, who may write any file whatever its mode: fix checks the mode
# itself (a file or directory nobody may write is one its owner protected), so chmod
# a-w is an honest way to make a file or directory read-only here and for any user.

SPARC = "arch/sparc/Kconfig"


def refused(capsys, tree: Path, message: str) -> None:
    """``kconsist fix`` exits 2 with one line naming the tree file, writing nothing."""
    before = snapshot(tree)
    assert main(["fix", str(tree)]) == 2
    assert capsys.readouterr().err == f"kconsist: error: {SPARC}: {message}\n"
    assert snapshot(tree) == before
    assert [p.name for p in (tree / "arch/sparc").iterdir() if p.name.startswith(".")] == []


def test_fix_refuses_a_symlinked_target(capsys, tree):
    kconfig = tree / SPARC
    edit(kconfig, SPARC_SELECT, "")
    kconfig.rename(tree / "arch/sparc/Kconfig.real")
    kconfig.symlink_to("Kconfig.real")
    refused(capsys, tree, "is a symbolic link: kconsist fix does not replace links")
    assert kconfig.is_symlink()


def test_fix_refuses_a_read_only_target(capsys, tree):
    kconfig = tree / SPARC
    edit(kconfig, SPARC_SELECT, "")
    kconfig.chmod(0o444)
    refused(capsys, tree, "is read-only: kconsist fix leaves it alone")


def test_fix_refuses_a_target_in_a_read_only_directory(capsys, tree):
    edit(tree / SPARC, SPARC_SELECT, "")
    (tree / "arch/sparc").chmod(0o555)
    try:
        refused(capsys, tree, "is in a read-only directory: kconsist fix leaves it alone")
    finally:
        (tree / "arch/sparc").chmod(0o755)  # so that pytest can remove it


def test_fix_refuses_a_target_changed_since_it_was_read(tree):
    kconfig = tree / SPARC
    edit(kconfig, SPARC_SELECT, "")
    planned = fixes.plan(KernelTree.open(tree), load_rules())
    assert list(planned.edits) == [SPARC]
    edit(kconfig, "config SPARC64", "config SPARC64 # edited meanwhile")
    meanwhile = snapshot(tree)
    with pytest.raises(TreeError) as err:
        planned.apply()
    assert str(err.value) == f"{SPARC}: changed on disk since kconsist read it: run fix again"
    assert snapshot(tree) == meanwhile
