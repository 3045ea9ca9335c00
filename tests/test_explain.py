from pathlib import Path

from kconsist.main import main

ROOT = Path(__file__).resolve().parent.parent
V4 = ROOT / "examples/pt-reclaim-v4"
MISSING = ROOT / "examples/tlb-remove-table/missing-select"


def test_explain_sparc_shows_both_sides(capsys):
    assert main(["explain", str(V4), "--arch", "sparc", "--rule", "tlb-remove-table-kconfig"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "sparc: [tlb-remove-table-kconfig] (error)"
    assert out[1] == "  check: never $remover && !HAVE_ARCH_TLB_REMOVE_TABLE"
    assert "  $remover: 1 fact" in out
    assert (
        "    arch/sparc/include/asm/pgalloc_64.h:9: function __tlb_remove_table, when SMP && 64BIT"
    ) in out
    assert "    HAVE_ARCH_TLB_REMOVE_TABLE: defined at mm/Kconfig:13" in out
    assert "      selected at arch/sparc/Kconfig:18 when SPARC64 && SMP" in out
    assert out[-1] == "  verdict: holds: no configuration the arch's Kconfig allows satisfies it"


def test_explain_shows_the_counterexample_when_it_fails(capsys, tmp_path):
    import shutil

    tree = tmp_path / "tree"
    shutil.copytree(V4, tree)
    kconfig = tree / "arch/sparc/Kconfig"
    kconfig.write_text(
        kconfig.read_text().replace("\tselect HAVE_ARCH_TLB_REMOVE_TABLE if SMP\n", "")
    )
    assert (
        main(["explain", str(tree), "--arch", "sparc", "--rule", "tlb-remove-table-kconfig"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert "  verdict: FAILS (1 finding)" in out
    assert "    counterexample: ARCH=sparc64 HAVE_ARCH_TLB_REMOVE_TABLE=n SMP=y" in out
    assert not any("selected at" in line for line in out)


def test_explain_needs_one_arch(capsys):
    assert main(["explain", str(V4)]) == 2
    assert "explain needs exactly one --arch" in capsys.readouterr().err
