"""``kconsist fix`` on copies of the example trees: restores upstream lines byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kconsist.main import main

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
