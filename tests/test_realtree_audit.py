"""The seed rules on real kernel trees (KCONSIST_KERNEL_TREE), pristine and edited in memory
back to the states of the PT_RECLAIM series that broke."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from kernel_trees import real_trees

from kconsist import engine, fix
from kconsist.findings import AuditResult
from kconsist.rulelang import load_rules
from kconsist.tree import KernelTree

pytestmark = pytest.mark.realtree

TLB_RULES = {
    "tlb-remove-table-kconfig",
    "tlb-remove-table-stale-select",
    "tlb-remove-table-legacy-macro",
    "pt-reclaim-custom-remover",
}
SEED_RULES = {
    "tlb-remove-table-kconfig",
    "tlb-remove-table-legacy-macro",
    "pt-reclaim-custom-remover",
}


def edited(tree: KernelTree, *edits: tuple[str, str, str]) -> KernelTree:
    """``tree`` with each (file, old, new) replacement made in memory."""
    overlay: dict[str, str | None] = {}
    for rel, old, new in edits:
        text = overlay.get(rel) or tree.read_text(rel)
        assert old in text, f"{rel} no longer contains {old!r}"
        overlay[rel] = text.replace(old, new, 1)
    return tree.with_overlay(overlay)


SEED_RULE_FILE = Path(__file__).resolve().parent.parent / "rules" / "tlb-remove-table.yaml"
_PACK_AUDITS: dict[tuple[str, str], AuditResult] = {}


def audit(tree: KernelTree) -> AuditResult:
    """The whole bundled pack on ``tree``, once per tree state (a full-pack audit of a
    real tree takes minutes: the pristine trees are asked about by several tests)."""
    key = tree.state_key()
    if key not in _PACK_AUDITS:
        _PACK_AUDITS[key] = engine.audit(tree, load_rules(), jobs=2)
    return _PACK_AUDITS[key]


def seed_audit(tree: KernelTree) -> AuditResult:
    """The seed rules only: what the edited states below are about."""
    return engine.audit(tree, load_rules([SEED_RULE_FILE]), jobs=2)


def arches_of(result: AuditResult, rule: str) -> set[str]:
    return {f.arch for f in result.findings if f.rule == rule}


# rules/dead-branch.yaml on the newest tree: every finding read in docs/findings.md
# ("Dead branches and selects"), counted per rule and arch.
DEAD_BRANCH_RULES = {"dead-arch-branch", "dead-arch-select"}
DEAD_BRANCH_7_3 = {
    ("dead-arch-branch", "alpha"): 5,
    ("dead-arch-branch", "arc"): 6,
    ("dead-arch-branch", "arm"): 48,
    ("dead-arch-branch", "arm64"): 14,
    ("dead-arch-branch", "hexagon"): 2,
    ("dead-arch-branch", "loongarch"): 3,
    ("dead-arch-branch", "m68k"): 6,
    ("dead-arch-branch", "microblaze"): 3,
    ("dead-arch-branch", "mips"): 22,
    ("dead-arch-branch", "parisc"): 2,
    ("dead-arch-branch", "powerpc"): 8,
    ("dead-arch-branch", "sh"): 5,
    ("dead-arch-branch", "x86"): 4,
    ("dead-arch-branch", "xtensa"): 2,
    ("dead-arch-select", "arm"): 7,
    ("dead-arch-select", "arm64"): 2,
    ("dead-arch-select", "loongarch"): 27,
    ("dead-arch-select", "mips"): 9,
    ("dead-arch-select", "sh"): 5,
}
# A few of them, site by site (file, line, what the blocker says).
DEAD_BRANCH_SITES = {
    ("arm64", "arch/arm64/kernel/kgdb.c", 64, "CPU_BIG_ENDIAN can never be enabled"),
    ("arm64", "arch/arm64/Kconfig.platforms", 13, "ARM_PSCI is not defined for arm64"),
    ("loongarch", "arch/loongarch/Kconfig", 33, "PREEMPTION is always enabled"),
    ("sh", "arch/sh/Kconfig", 334, "USB_OHCI_SH is not defined for sh"),
    ("x86", "arch/x86/include/asm/asm-prototypes.h", 19, "X86_CX8 is always enabled"),
}

# rules/dead-branch.yaml on 6.12 and 6.1: every finding, site by site, as read in
# docs/findings.md ("Dead branches and selects on 6.12 and 6.1").
DEAD_BRANCH_DATA = Path(__file__).resolve().parent / "data" / "dead-branch-verified.txt"


def dead_branch_verified(version: str) -> Counter:
    """The verified (rule, arch, file, line, name) of one tree: the data file's rows
    that start with ``version``."""
    rows = Counter()
    for text in DEAD_BRANCH_DATA.read_text().splitlines():
        if text.startswith(version + " "):
            _, rule, arch, site, name = text.split()
            file, line = site.rsplit(":", 1)
            rows[(rule, arch, file, int(line), name)] += 1
    return rows


SPARC_SELECT = "\tselect HAVE_ARCH_TLB_REMOVE_TABLE if SMP\n"
PPC_SELECT = "\tselect HAVE_ARCH_TLB_REMOVE_TABLE\n"


# The pack's findings on each real tree, every one read on both sides (docs/findings.md):
# (rule, arch, file, name), counted.
_DEAD = "dead-config-symbol"
_FLAG = "dead-c-flag"
_ASM = "arch/{}/include/asm/"
_COMMON = [
    (_DEAD, "arm", "arch/arm/kernel/bios32.c", "PCI_HOST_ITE8152"),
    *[
        (_DEAD, "csky", "arch/csky/abiv2/inc/abi/fpu.h", f"OPEN_FPU_{x}")
        for x in ("IDE", "IXE", "UFE", "OFE", "DZE", "IOE")
    ],
    (_DEAD, "hexagon", _ASM.format("hexagon") + "page.h", "PAGE_SIZE_1MB"),
    (_DEAD, "hexagon", _ASM.format("hexagon") + "pgtable.h", "PAGE_SIZE_1MB"),
    *[
        (_DEAD, "mips", _ASM.format("mips") + f"sn/{f}", "SGI_IP35")
        for f in ("addrs.h", "agent.h", "klconfig.h", "klconfig.h", "klconfig.h")
    ],
    (_DEAD, "sh", "arch/sh/include/cpu-sh4/cpu/dma-register.h", "CPU_SUBTYPE_SH7730"),
    (_DEAD, "sh", "arch/sh/include/cpu-sh4a/cpu/dma.h", "CPU_SUBTYPE_SH7730"),
    (_DEAD, "sh", "arch/sh/include/cpu-sh4/cpu/mmu_context.h", "CPU_SUBTYPE_ST40"),
    (_FLAG, "alpha", _ASM.format("alpha") + "io.h", "__HAVE_ARCH_MEMSETW_IO"),
    (_FLAG, "openrisc", _ASM.format("openrisc") + "cmpxchg.h", "__HAVE_ARCH_CMPXCHG"),
    (_FLAG, "xtensa", _ASM.format("xtensa") + "pgtable.h", "__HAVE_ARCH_PTEP_MKDIRTY"),
]
_PPC = _ASM.format("powerpc") + "book3s/64/"
_SINCE_6_12 = [
    (_FLAG, "powerpc", _PPC + "pgtable.h", "__HAVE_ARCH_PUDP_SET_ACCESS_FLAGS"),
    (_FLAG, "powerpc", _PPC + "pgtable.h", "__HAVE_ARCH_PUDP_TEST_AND_CLEAR_YOUNG"),
    (_FLAG, "powerpc", _PPC + "tlbflush.h", "__HAVE_ARCH_FLUSH_PUD_TLB_RANGE"),
]
_ONLY_6_1 = [
    (_DEAD, "arm", "arch/arm/mach-davinci/cputype.h", "ARCH_DAVINCI_DM644x"),
    (_DEAD, "arm", "arch/arm/mach-davinci/cputype.h", "ARCH_DAVINCI_DM646x"),
    *[
        (_DEAD, "arm", f"arch/arm/mach-pxa/{f}", "IRDA")
        for f in ("balloon3.c", "palm27x.c", "palm27x.h", "palmtc.c")
    ],
    (_DEAD, "arm", "arch/arm/mach-pxa/spitz.c", "PXA_FICP"),
    (_DEAD, "loongarch", _ASM.format("loongarch") + "acenv.h", "ARCH_STRICT_ALIGN"),
    (_FLAG, "xtensa", _ASM.format("xtensa") + "string.h", "__HAVE_ARCH_BCOPY"),
]
VERIFIED = {
    (7,): Counter(_COMMON + _SINCE_6_12),
    (6, 12): Counter(_COMMON + _SINCE_6_12),
    (6, 1): Counter(_COMMON + _ONLY_6_1),
}


def verified(tree: KernelTree) -> Counter:
    return VERIFIED[tree.version[:1] if tree.version >= (7, 0) else tree.version[:2]]


def found(result: AuditResult) -> Counter:
    """The findings of the pack but the dead-branch rules (asserted on their own: on the
    newest tree per rule and arch, on 6.12 and 6.1 site by site)."""
    return Counter(
        (f.rule, f.arch, f.file, f.name)
        for f in result.findings
        if f.rule not in DEAD_BRANCH_RULES
    )


@pytest.fixture(scope="module")
def pristine(newest_tree: KernelTree) -> AuditResult:
    return audit(newest_tree)


def test_newest_tree_loads_all_arches_and_is_clean(newest_tree, pristine):
    assert len(newest_tree.arches()) == 21
    assert pristine.arches == newest_tree.arches()
    assert pristine.errors == []
    assert pristine.skipped == []
    assert [f for f in pristine.findings if f.rule in TLB_RULES] == []
    # The rest of the pack: exactly the findings read one by one in docs/findings.md.
    assert found(pristine) == verified(newest_tree)
    counts = Counter(f.rule for f in pristine.findings if f.rule not in DEAD_BRANCH_RULES)
    assert counts == {"dead-config-symbol": 17, "dead-c-flag": 6}


def test_newest_tree_dead_branches_are_the_verified_ones(newest_tree, pristine):
    dead = [f for f in pristine.findings if f.rule in DEAD_BRANCH_RULES]
    assert Counter((f.rule, f.arch) for f in dead) == DEAD_BRANCH_7_3
    sites = {(f.arch, f.file, f.line, f.blocker.split(" (")[0]) for f in dead}
    assert sites >= DEAD_BRANCH_SITES
    # Never a finding that rests on a toolchain probe or on code arm64 builds too.
    assert not [f for f in dead if "cc-option" in f.blocker or "as-instr" in f.blocker]
    assert not [f for f in dead if f.file.startswith("arch/arm/xen/")]
    # klconfig.h is read only with SGI_IP27 (its includers are IP27 code) and its
    # `#elif defined(CONFIG_SGI_IP35)` follows `#if defined(CONFIG_SGI_IP27)`: dead for
    # that reason too, the one branch both rules report.
    assert reported_twice(pristine) == {("arch/mips/include/asm/sn/klconfig.h", 43)}
    assert not asserting_sites(newest_tree, dead)


def reported_twice(result: AuditResult) -> set[tuple[str, int]]:
    """Sites both dead-arch-branch and dead-config-symbol report; no dead-arch-branch
    blocker names a symbol that nothing sets (that test is dead-config-symbol's)."""
    undefined = [f for f in result.findings if f.rule == "dead-config-symbol"]
    dead = [f for f in result.findings if f.rule == "dead-arch-branch"]
    names = {f.name for f in undefined}
    assert not [f for f in dead if any(f"{n} is not defined" in f.blocker for n in names)]
    return {(f.file, f.line) for f in dead} & {(f.file, f.line) for f in undefined}


def asserting_sites(tree: KernelTree, dead: list) -> list[str]:
    """Dead branches whose first line is an #error: assertions, never reported."""
    out = []
    for f in dead:
        lines = tree.read_text(f.file).splitlines()
        if f.kind == "guard" and "".join(lines[f.line].split()).startswith("#error"):
            out.append(f"{f.file}:{f.line}")
    return out


def test_6_12_loads_all_arches_and_skips_the_seed_rules(tree_6_12):
    result = audit(tree_6_12)
    assert result.arches == tree_6_12.arches() and len(result.arches) == 21
    assert result.errors == []
    assert {f.rule for f in result.findings} <= {
        "dead-config-symbol",
        "dead-c-flag",
        *DEAD_BRANCH_RULES,  # each read: test_older_trees_dead_branches_are_the_verified_ones
    }
    skipped = {s.rule: s for s in result.skipped}
    assert set(skipped) >= SEED_RULES
    assert "HAVE_ARCH_TLB_REMOVE_TABLE" in skipped["tlb-remove-table-kconfig"].reason
    assert "PT_RECLAIM" in skipped["pt-reclaim-custom-remover"].reason
    assert len(skipped["tlb-remove-table-kconfig"].arches) == 21


@pytest.mark.parametrize("tree", real_trees(), ids=lambda t: "v" + ".".join(map(str, t.version)))
def test_every_real_tree_loads_every_arch(tree):
    """6.1 to 7.x: every arch loads, no file is unreadable."""
    result = audit(tree)
    assert result.errors == []
    assert result.arches == tree.arches() and len(result.arches) >= 21
    assert found(result) == verified(tree)
    if tree.version < (7, 0):  # before the series: the seed rules have nothing to check
        assert {s.rule for s in result.skipped} >= SEED_RULES
        assert [f for f in result.findings if f.rule in SEED_RULES] == []


@pytest.mark.parametrize(
    "tree",
    [t for t in real_trees() if t.version[:2] in ((6, 12), (6, 1))],
    ids=lambda t: "v" + ".".join(map(str, t.version[:2])),
)
def test_older_trees_dead_branches_are_the_verified_ones(tree):
    """6.12 and 6.1: exactly the dead branches and selects read one by one (the pack's
    shared audit of the tree, so no extra run)."""
    dead = Counter(
        (f.rule, f.arch, f.file, f.line, f.name)
        for f in audit(tree).findings
        if f.rule in DEAD_BRANCH_RULES
    )
    expected = dead_branch_verified(".".join(map(str, tree.version[:2])))
    assert dead - expected == Counter()  # nothing unread
    assert expected - dead == Counter()  # nothing lost
    # A branch only genksyms reads is no dead code (x86 asm-prototypes.h in 6.12).
    assert not [s for s in dead if s[2] == "arch/x86/include/asm/asm-prototypes.h"]
    findings = [f for f in audit(tree).findings if f.rule in DEAD_BRANCH_RULES]
    assert not asserting_sites(tree, findings)
    assert reported_twice(audit(tree)) == {("arch/mips/include/asm/sn/klconfig.h", 43)}


def v3_state(tree: KernelTree) -> KernelTree:
    """The tree as v3 of the series left it: PT_RECLAIM on MMU_GATHER_RCU_TABLE_FREE alone,
    no Kconfig symbol, the C flag back in powerpc and sparc."""
    return edited(
        tree,
        ("mm/Kconfig", "config HAVE_ARCH_TLB_REMOVE_TABLE\n\tdef_bool n\n\n", ""),
        (
            "mm/Kconfig",
            "MMU_GATHER_RCU_TABLE_FREE && !HAVE_ARCH_TLB_REMOVE_TABLE",
            "MMU_GATHER_RCU_TABLE_FREE",
        ),
        ("arch/sparc/Kconfig", SPARC_SELECT, ""),
        ("arch/powerpc/Kconfig", PPC_SELECT, ""),
        (
            "include/asm-generic/tlb.h",
            "#ifndef CONFIG_HAVE_ARCH_TLB_REMOVE_TABLE",
            "#ifndef __HAVE_ARCH_TLB_REMOVE_TABLE",
        ),
        (
            "arch/powerpc/include/asm/tlb.h",
            "/* Get the generic bits... */",
            "#define __HAVE_ARCH_TLB_REMOVE_TABLE\n/* Get the generic bits... */",
        ),
        (
            "arch/sparc/include/asm/tlb_64.h",
            "#include <asm-generic/tlb.h>",
            "#define __HAVE_ARCH_TLB_REMOVE_TABLE\n#include <asm-generic/tlb.h>",
        ),
    )


def test_v3_state_reports_exactly_powerpc_and_sparc(newest_tree):
    result = seed_audit(v3_state(newest_tree))
    assert result.errors == []
    assert arches_of(result, "pt-reclaim-custom-remover") == {"powerpc", "sparc"}
    (sparc,) = [f for f in result.findings if f.arch == "sparc"]
    assert sparc.file == "arch/sparc/include/asm/pgalloc_64.h"
    assert sparc.counterexample["ARCH"] == "sparc64"
    assert sparc.counterexample["SMP"] == "y" and sparc.counterexample["PT_RECLAIM"] == "y"
    skipped = {s.rule for s in result.skipped}
    assert {"tlb-remove-table-kconfig", "tlb-remove-table-legacy-macro"} <= skipped


@pytest.mark.parametrize(
    "arch,rel,old",
    [
        ("sparc", "arch/sparc/Kconfig", SPARC_SELECT),
        ("powerpc", "arch/powerpc/Kconfig", PPC_SELECT),
    ],
)
def test_removed_select_reports_exactly_that_arch(newest_tree, arch, rel, old):
    result = seed_audit(edited(newest_tree, (rel, old, "")))
    assert result.errors == []
    assert arches_of(result, "tlb-remove-table-kconfig") == {arch}
    # Without the symbol, PT_RECLAIM comes back on that arch too: the v3 bug again.
    assert arches_of(result, "pt-reclaim-custom-remover") == {arch}


def test_new_remover_in_another_arch(newest_tree):
    header = "arch/arm64/include/asm/tlb.h"
    result = seed_audit(
        edited(
            newest_tree,
            (
                header,
                "#include <asm-generic/tlb.h>",
                "static inline void __tlb_remove_table(void *table)\n{\n}\n\n"
                "#include <asm-generic/tlb.h>",
            ),
        )
    )
    assert arches_of(result, "tlb-remove-table-kconfig") == {"arm64"}
    (finding,) = [f for f in result.findings if f.rule == "tlb-remove-table-kconfig"]
    assert finding.file == header


def test_wrong_select_condition_reports_sparc_with_counterexample(newest_tree):
    result = seed_audit(
        edited(
            newest_tree,
            ("arch/sparc/Kconfig", SPARC_SELECT, "\tselect HAVE_ARCH_TLB_REMOVE_TABLE if !SMP\n"),
        )
    )
    assert arches_of(result, "tlb-remove-table-kconfig") == {"sparc"}
    (finding,) = [f for f in result.findings if f.rule == "tlb-remove-table-kconfig"]
    assert finding.counterexample == {
        "ARCH": "sparc64",
        "HAVE_ARCH_TLB_REMOVE_TABLE": "n",
        "SMP": "y",
    }
    assert arches_of(result, "tlb-remove-table-stale-select") == {"sparc"}


def test_legacy_macro_reported_where_it_is(newest_tree):
    result = seed_audit(
        edited(
            newest_tree,
            (
                "arch/sparc/include/asm/tlb_64.h",
                "#include <asm-generic/tlb.h>",
                "#define __HAVE_ARCH_TLB_REMOVE_TABLE\n#include <asm-generic/tlb.h>",
            ),
        )
    )
    legacy = [f for f in result.findings if f.rule == "tlb-remove-table-legacy-macro"]
    assert [(f.arch, f.file) for f in legacy] == [("sparc", "arch/sparc/include/asm/tlb_64.h")]


@pytest.mark.parametrize(
    "arch,rel,old,new",
    [
        ("sparc", "arch/sparc/Kconfig", SPARC_SELECT, ""),
        ("powerpc", "arch/powerpc/Kconfig", PPC_SELECT, ""),
        (
            "sparc",
            "arch/sparc/Kconfig",
            SPARC_SELECT,
            "\tselect HAVE_ARCH_TLB_REMOVE_TABLE if !SMP\n",
        ),
    ],
)
def test_fix_restores_the_upstream_line(newest_tree, arch, rel, old, new):
    broken = edited(newest_tree, (rel, old, new))
    plan = fix.plan(broken, load_rules([SEED_RULE_FILE]), [arch])
    assert plan.unfixable == []
    assert plan.edits == {rel: newest_tree.read_text(rel)}  # byte for byte upstream
    again = engine.audit(broken.with_overlay(plan.edits), load_rules([SEED_RULE_FILE]), [arch])
    assert [f for f in again.findings if f.rule in TLB_RULES] == []
