from pathlib import Path

import pytest

from kconsist.rulelang import path_glob
from kconsist.tree import PER_TREE_STATE_ENTRIES, KernelTree, TreeError, per_tree_state

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


def test_per_tree_state_is_keyed_by_content_and_bounded():
    calls: list[tuple[str, str]] = []

    @per_tree_state
    def scan(tree: KernelTree, prefix: str = "") -> int:
        calls.append((tree.state_key()[1], prefix))
        return sum(1 for _ in tree.files(prefix))

    base = KernelTree.open(V4)
    one = base.with_overlay({"arch/x86/new.h": "x"})
    same = KernelTree.open(V4).with_overlay({"arch/x86/new.h": "x"})  # another object
    other = base.with_overlay({"arch/x86/new.h": "y"})  # same names, other content
    assert scan(one, "arch/x86") == scan(same, "arch/x86") == scan(one, prefix="arch/x86")
    assert len(calls) == 1
    assert scan(other, "arch/x86") == scan(one, "arch/x86") and len(calls) == 2
    assert scan(base) == scan(base, "") and len(calls) == 3  # the default is one entry
    for i in range(PER_TREE_STATE_ENTRIES + 1):
        scan(base.with_overlay({"n.h": str(i)}))
    calls.clear()
    scan(one, "arch/x86")  # evicted: the oldest of more than PER_TREE_STATE_ENTRIES
    assert len(calls) == 1
