"""load_kconfig(): files through the tree, errors with tree-relative locations, real trees."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kconfiglib import expr_str
from kernel_trees import newest, real_trees

from kconsist.kconfig.load import KconfigLoadError, load_kconfig
from kconsist.tree import KernelTree

TOP = 'mainmenu "Test"\nsource "arch/$(SRCARCH)/Kconfig"\nsource "init/Kconfig"\n'
ARCH = 'config X86\n\tdef_bool y\n\nconfig ARCH_NAME\n\tstring\n\tdefault "$(ARCH)"\n'
INIT = "config INIT_A\n\tbool\n\tdefault y\n"


def make_tree(root: Path) -> KernelTree:
    files = {
        "Makefile": "VERSION = 7\nPATCHLEVEL = 3\n",
        "Kconfig": TOP,
        "arch/x86/Kconfig": ARCH,
        "init/Kconfig": INIT,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return KernelTree.open(root)


def test_small_tree_loads_with_arch_environment(tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    kconf = load_kconfig(tree, tree.arch_env("x86"))
    assert kconf.syms["ARCH_NAME"].str_value == "x86"
    assert kconf.syms["INIT_A"].nodes[0].filename == "init/Kconfig"
    assert kconf.kconfig_filenames == ["Kconfig", "arch/x86/Kconfig", "init/Kconfig"]


def test_environment_is_hermetic_and_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KCONSIST_OUTSIDE", "leak")
    tree = make_tree(tmp_path).with_overlay(
        {"init/Kconfig": INIT + 'config OUT\n\tstring\n\tdefault "$(KCONSIST_OUTSIDE)"\n'}
    )
    before = dict(os.environ)
    kconf = load_kconfig(tree, tree.arch_env("x86"))
    assert kconf.syms["OUT"].str_value == ""
    assert dict(os.environ) == before


def test_overlay_files_are_read(tmp_path: Path) -> None:
    tree = make_tree(tmp_path).with_overlay(
        {
            "init/Kconfig": INIT + 'source "init/Kconfig.new"\n',
            "init/Kconfig.new": "config ONLY_IN_OVERLAY\n\tbool\n\tdefault INIT_A\n",
        }
    )
    kconf = load_kconfig(tree, tree.arch_env("x86"))
    sym = kconf.syms["ONLY_IN_OVERLAY"]
    assert (sym.nodes[0].filename, sym.nodes[0].linenr) == ("init/Kconfig.new", 1)
    assert sym.str_value == "y"
    assert not (tmp_path / "init/Kconfig.new").exists()


def test_overlay_deleted_source_is_an_error(tmp_path: Path) -> None:
    tree = make_tree(tmp_path).with_overlay({"init/Kconfig": None})
    with pytest.raises(KconfigLoadError) as info:
        load_kconfig(tree, tree.arch_env("x86"))
    assert (info.value.file, info.value.line) == ("Kconfig", 3)
    assert "init/Kconfig" in info.value.message


def test_parse_error_has_tree_relative_file_and_line(tmp_path: Path) -> None:
    tree = make_tree(tmp_path).with_overlay({"init/Kconfig": INIT + "\nconfig\n"})
    with pytest.raises(KconfigLoadError) as info:
        load_kconfig(tree, tree.arch_env("x86"))
    assert (info.value.file, info.value.line) == ("init/Kconfig", 5)
    assert str(info.value).startswith("init/Kconfig:5: ")


def test_source_outside_the_tree_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.Kconfig"
    outside.write_text("config STOLEN\n\tbool\n")
    (tmp_path / "tree").mkdir()
    tree = make_tree(tmp_path / "tree").with_overlay({"init/Kconfig": f'source "{outside}"\n'})
    with pytest.raises(KconfigLoadError) as info:
        load_kconfig(tree, tree.arch_env("x86"))
    assert (info.value.file, info.value.line) == ("init/Kconfig", 1)


# -- real trees ---------------------------------------------------------------------


def _tree_arches() -> list[tuple[Path, str]]:
    return [(tree.root, arch) for tree in real_trees() for arch in tree.arches()]


@pytest.mark.realtree
@pytest.mark.skipif(not real_trees(), reason="no kernel tree (set KCONSIST_KERNEL_TREE)")
@pytest.mark.parametrize(("root", "arch"), _tree_arches() or [(Path("."), "none")])
def test_real_tree_arch_loads(root: Path, arch: str) -> None:
    tree = KernelTree.open(root)
    kconf = load_kconfig(tree, tree.arch_env(arch))
    assert kconf.syms["CC_IS_GCC"].str_value == "y"
    assert kconf.syms["GCC_VERSION"].str_value == "140200"
    assert kconf.syms["CC_IS_CLANG"].str_value == "n"
    assert kconf.syms["RUST_IS_AVAILABLE"].str_value == "n"
    assert kconf.syms["MODULES"].nodes, "MODULES must be defined"
    assert kconf.modules is kconf.syms["MODULES"]
    if tree.version >= (6, 12):
        # (6.1's fs/erofs uses NR_CPUS, which m68k does not define: the tree's own warning.)
        assert not [w for w in kconf.warnings if "non-int default" in w or "undefined" in w]
    if tree.version >= (7, 0):
        deps = expr_str(kconf.syms["PT_RECLAIM"].direct_dep)
        assert "MMU_GATHER_RCU_TABLE_FREE" in deps
        assert {s.name for s in kconf.transitional_syms} >= {"CFI_CLANG"}
    else:
        assert "HAVE_ARCH_TLB_REMOVE_TABLE" not in kconf.syms
        assert kconf.transitional_syms == []


@pytest.mark.realtree
@pytest.mark.skipif(not real_trees(), reason="no kernel tree (set KCONSIST_KERNEL_TREE)")
def test_real_tree_sparc_selects() -> None:
    tree = newest()
    if tree is None:
        pytest.skip("needs a 7.x tree")
    kconf = load_kconfig(tree, tree.arch_env("sparc"))
    selects = {
        sym.name: expr_str(cond)
        for node in kconf.syms["SPARC64"].nodes
        for sym, cond in node.selects
    }
    assert selects["HAVE_ARCH_TLB_REMOVE_TABLE"] == "SMP"
    rev = expr_str(kconf.syms["HAVE_ARCH_TLB_REMOVE_TABLE"].rev_dep)
    assert rev == "SPARC64 && SMP"


@pytest.mark.realtree
@pytest.mark.skipif(not real_trees(), reason="no kernel tree (set KCONSIST_KERNEL_TREE)")
def test_real_tree_conditional_depends_parsed() -> None:
    tree = newest()
    if tree is None:
        pytest.skip("needs a 7.x tree")
    kconf = load_kconfig(tree, tree.arch_env("x86"))
    # drivers/hv/Kconfig: `depends on HYPERV_VMBUS if HYPERV_VMBUS`
    deps = [expr_str(n.dep) for n in kconf.node_iter() if n.filename == "drivers/hv/Kconfig"]
    assert any("HYPERV_VMBUS || HYPERV_VMBUS = n" in d for d in deps)
