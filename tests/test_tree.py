from pathlib import Path

import pytest

from kconsist.rulelang import path_glob
from kconsist.tree import KernelTree, TreeError

ROOT = Path(__file__).resolve().parent.parent
V4 = ROOT / "examples/pt-reclaim-v4"


def test_files_of_the_whole_tree_include_the_overlay():
    tree = KernelTree.open(V4).with_overlay({"new/file.h": "x", "mm/Kconfig": None})
    files = list(tree.files(""))
    assert "new/file.h" in files and "mm/Kconfig" not in files
    assert "arch/sparc/Kconfig" in files and files == sorted(files)
    assert list(tree.files("arch/x86", (".h",))) == ["arch/x86/include/asm/tlb.h"]


def test_overlay_reads_and_deletes():
    tree = KernelTree.open(V4).with_overlay({"mm/Kconfig": None, "a.h": "text"})
    assert tree.read_text("a.h") == "text" and tree.exists("a.h")
    assert not tree.exists("mm/Kconfig")
    with pytest.raises(TreeError, match="no such file"):
        tree.read_text("mm/Kconfig")


def test_version_and_arch_env():
    tree = KernelTree.open(V4)
    assert tree.version == (7, 0)
    assert tree.arches() == ["powerpc", "sparc", "x86"]
    env = tree.arch_env("sparc")
    assert (env.name, env.env["ARCH"], env.env["SRCARCH"]) == ("sparc", "sparc", "sparc")
    with pytest.raises(TreeError, match="arch/vax has no Kconfig"):
        tree.arch_env("vax")


@pytest.mark.parametrize(
    "pattern,path,matches",
    [
        ("arch/sparc/**", "arch/sparc/include/asm/tlb.h", True),
        ("arch/sparc/*.h", "arch/sparc/include/asm/tlb.h", False),
        ("arch/sparc/include/asm/tlb_??.h", "arch/sparc/include/asm/tlb_64.h", True),
        ("arch/sparc/**", "arch/sparcv9/x.h", False),
    ],
)
def test_fact_path_globs(pattern, path, matches):
    assert bool(path_glob(pattern).fullmatch(path)) is matches
