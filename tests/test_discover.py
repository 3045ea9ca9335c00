"""``kconsist discover``: candidate pairs from the guards of generic fallbacks, printed
as a rule file that loads and audits (a stand-in tree in tests/fixtures/discover)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kconsist import discover, engine
from kconsist.main import main
from kconsist.rulelang import load_rule_file
from kconsist.tree import KernelTree

FIXTURE = Path(__file__).resolve().parent / "fixtures/discover"


def _pairs(found: list) -> list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]]:
    return [(x.fn, x.symbol, x.kind, x.override, x.opt_in) for x in found]


def test_each_kind_of_switch_gives_a_pair_with_the_arches_on_either_side() -> None:
    found = discover.candidates(KernelTree.open(str(FIXTURE)))
    assert _pairs(found) == [
        ("arch_foo", "ARCH_HAS_FOO", "config", ("a", "c"), ("a",)),
        ("pte_bar", "pte_bar", "name", ("b",), ("b",)),
        ("ptep_get", "__HAVE_ARCH_PTEP_GET", "flag", ("b",), ("b",)),
    ]
    # No pair for the CONFIG_MMU stub: MMU is a configuration choice, not an opt-in.
    assert "no_mmu_stub" not in {x.fn for x in found}
    assert [(x.file, x.line) for x in found[:1]] == [("include/linux/foo.h", 8)]


def test_the_yaml_loads_as_rules_and_its_audit_finds_the_arch_that_does_not_opt_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["discover", str(FIXTURE)]) == 0
    text = capsys.readouterr().out
    assert (
        "      # arch_foo defined by 2 arches (a c); ARCH_HAS_FOO selected by 1 arches (a)\n"
        in text
    )
    rules_file = tmp_path / "discovered.yaml"
    rules_file.write_text(text)
    rules = load_rule_file(rules_file)
    assert [r.id for r in rules] == [
        "discovered-arch-foo-arch-has-foo",
        "discovered-ptep-get---have-arch-ptep-get",
        "discovered-pte-bar-own",
    ]
    result = engine.audit(KernelTree.open(str(FIXTURE)), rules)
    assert result.errors == []
    assert [(f.rule, f.arch, f.file, f.name) for f in result.findings] == [
        ("discovered-arch-foo-arch-has-foo", "c", "arch/c/kernel/foo.c", "arch_foo")
    ]
    # And through the command line, as the README says.
    assert main(["audit", str(FIXTURE), "--rules", str(rules_file)]) == 1


def test_kind_and_min_arches_filter_the_pairs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discover", str(FIXTURE), "--kind", "flag"]) == 0
    out = capsys.readouterr().out
    assert '"fn": "ptep_get"' in out and '"fn": "arch_foo"' not in out
    assert main(["discover", str(FIXTURE), "--min-arches", "2"]) == 0
    out = capsys.readouterr().out
    assert '"fn": "arch_foo"' in out and '"fn": "ptep_get"' not in out


def test_a_missing_tree_is_one_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discover", str(FIXTURE / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kconsist: error: ") and "Traceback" not in err


@pytest.mark.realtree
def test_known_pairs_on_the_newest_tree(newest_tree: KernelTree) -> None:
    found = {(x.fn, x.symbol): x for x in discover.candidates(newest_tree)}
    tlb = found["__tlb_remove_table", "HAVE_ARCH_TLB_REMOVE_TABLE"]
    assert (tlb.kind, tlb.file, tlb.override, tlb.opt_in) == (
        "config",
        "include/asm-generic/tlb.h",
        ("powerpc", "sparc"),
        ("powerpc", "sparc"),
    )
    flag = found["ptep_get_and_clear", "__HAVE_ARCH_PTEP_GET_AND_CLEAR"]
    assert flag.kind == "flag" and flag.file == "include/linux/pgtable.h"
    assert {"arm64", "riscv", "x86", "s390"} <= set(flag.opt_in) <= set(flag.override)
    dma = found["arch_sync_dma_for_device", "ARCH_HAS_SYNC_DMA_FOR_DEVICE"]
    assert len(dma.opt_in) == 15 and dma.override == dma.opt_in
    assert found["pte_special", "ARCH_HAS_PTE_SPECIAL"].file == "include/linux/mm.h"
