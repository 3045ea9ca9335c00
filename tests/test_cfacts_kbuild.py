"""Build conditions of .c files from Kbuild makefiles, and header conditions from the
include graph, on small trees held in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from kconsist.cfacts.includes import IncludeGraph
from kconsist.cfacts.kbuild import build_condition
from kconsist.cond import render
from kconsist.tree import KernelTree

MAKEFILES = {
    "arch/ppc/Kbuild": "obj-y += kernel/\nobj-y += mm/\nobj-$(CONFIG_KVM) += kvm/\n",
    "arch/ppc/Makefile": "libs-y += arch/ppc/lib/\ncore-$(CONFIG_XMON) += arch/ppc/xmon/\n",
    "arch/ppc/kernel/Makefile": (
        "obj-y := setup.o \\\n"
        "\ttime.o\n"
        "obj-$(CONFIG_SMP) += smp.o # trailing comment\n"
        "obj-$(CONFIG_PCI) += pci.o\n"
        "pci-y := pci-common.o\n"
        "pci-$(CONFIG_PCI_MSI) += msi.o\n"
        "obj-y += init_$(BITS).o\n"
        "ifdef CONFIG_PPC64\n"
        "obj-y += paca.o\n"
        "else\n"
        "obj-y += head_32.o\n"
        "endif\n"
        "ifeq ($(CONFIG_NUMA),y)\n"
        "obj-y += numa.o\n"
        "endif\n"
        "ifneq ($(CONFIG_HOTPLUG),)\n"
        "obj-y += hotplug.o\n"
        "endif\n"
        "ifeq ($(shell uname),Linux)\n"
        "obj-y += odd.o\n"
        "endif\n"
    ),
    "arch/ppc/mm/Makefile": "obj-$(CONFIG_BOOK3S_64) += book3s64/\n",
    "arch/ppc/mm/book3s64/Makefile": "obj-y += pgtable.o\n",
    "arch/ppc/lib/Makefile": "lib-y += string.o\n",
    "arch/ppc/xmon/Makefile": "obj-y += xmon.o\n",
    "arch/ppc/kvm/Kbuild": "obj-$(CONFIG_KVM_HV) += hv.o\n",
    "arch/ppc/kvm/Makefile": "obj-y += ignored_when_kbuild_exists.o\n",
}


@pytest.fixture
def tree(tmp_path: Path) -> KernelTree:
    return KernelTree(tmp_path, dict(MAKEFILES))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("arch/ppc/kernel/setup.c", "y"),
        ("arch/ppc/kernel/time.c", "y"),
        ("arch/ppc/kernel/smp.c", "SMP"),
        ("arch/ppc/kernel/pci-common.c", "PCI"),
        ("arch/ppc/kernel/msi.c", "PCI_MSI && PCI"),
        ("arch/ppc/kernel/init_64.c", "{make: init_$(BITS).o}"),
        ("arch/ppc/kernel/paca.c", "PPC64"),
        ("arch/ppc/kernel/head_32.c", "!PPC64"),
        ("arch/ppc/kernel/numa.c", "NUMA"),
        ("arch/ppc/kernel/hotplug.c", "HOTPLUG"),
        ("arch/ppc/kernel/odd.c", "{make: ifeq ($(shell uname),Linux)}"),
        ("arch/ppc/kernel/unlisted.c", "{built(arch/ppc/kernel/unlisted.c)}"),
        ("arch/ppc/mm/book3s64/pgtable.c", "BOOK3S_64"),
        ("arch/ppc/lib/string.c", "y"),
        ("arch/ppc/xmon/xmon.c", "XMON"),
        ("arch/ppc/kvm/hv.c", "KVM_HV && KVM"),
        (
            "arch/ppc/kvm/ignored_when_kbuild_exists.c",
            "{built(arch/ppc/kvm/ignored_when_kbuild_exists.c)}",
        ),
        ("drivers/foo.c", "{built(drivers/foo.c)}"),
    ],
)
def test_build_condition(tree: KernelTree, path: str, expected: str) -> None:
    assert render(build_condition(tree, path)) == expected


HEADERS = {
    "arch/sp/include/asm/pgalloc.h": (
        "#ifndef _ASM_PGALLOC_H\n#define _ASM_PGALLOC_H\n"
        "#if defined(__sparc__) && defined(__arch64__)\n"
        "#include <asm/pgalloc_64.h>\n"
        "#else\n"
        '#include "pgalloc_32.h"\n'
        "#endif\n#endif\n"
    ),
    "arch/sp/include/asm/pgalloc_64.h": "#include <asm/cycle.h>\n",
    "arch/sp/include/asm/pgalloc_32.h": "",
    "arch/sp/include/asm/cycle.h": "#ifdef CONFIG_A\n#include <asm/pgalloc_64.h>\n#endif\n",
    "arch/sp/include/asm/smp_only.h": "",
    "arch/sp/Kbuild": "obj-y += kernel/\n",
    "arch/sp/kernel/Makefile": "obj-$(CONFIG_SMP) += smp.o\n",
    "arch/sp/kernel/smp.c": "#include <asm/smp_only.h>\n#include <asm/pgalloc.h>\n",
    "include/linux/mm.h": "#include <asm/pgalloc.h>\n",
}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("arch/sp/include/asm/pgalloc.h", "y"),  # generic code includes it
        ("arch/sp/include/asm/pgalloc_64.h", "{defined(__sparc__)} && {defined(__arch64__)}"),
        ("arch/sp/include/asm/pgalloc_32.h", "!({defined(__sparc__)} && {defined(__arch64__)})"),
        ("arch/sp/include/asm/cycle.h", "{defined(__sparc__)} && {defined(__arch64__)}"),
        ("arch/sp/include/asm/smp_only.h", "SMP"),  # only a .c file built for SMP
        ("arch/sp/include/asm/nobody.h", "y"),
    ],
)
def test_header_condition(tmp_path: Path, header: str, expected: str) -> None:
    tree = KernelTree(tmp_path, dict(HEADERS))
    assert render(IncludeGraph.build(tree, "sp").condition(header)) == expected


@pytest.mark.realtree
def test_realtree_conditions(newest_tree: KernelTree) -> None:
    tree = newest_tree
    assert render(build_condition(tree, "arch/powerpc/mm/book3s64/pgtable.c")) == "PPC_BOOK3S_64"
    sparc = IncludeGraph.build(tree, "sparc").condition("arch/sparc/include/asm/pgalloc_64.h")
    assert render(sparc) == "{defined(__sparc__)} && {defined(__arch64__)}"
    powerpc = IncludeGraph.build(tree, "powerpc")
    book3s64 = powerpc.condition("arch/powerpc/include/asm/book3s/64/pgalloc.h")
    assert render(book3s64) == "PPC64 && PPC_BOOK3S"


# mips and arm shapes: platform lists in an included file, lists of other lists,
# "patsubst" of a machine list, plain variables in object names, clean-only lists.
PLATFORM_MAKEFILES = {
    "arch/mp/Kbuild": (
        "include $(srctree)/arch/mp/Kbuild.platforms\n"
        "obj-y := $(platform-y)\n"
        "obj- := $(platform-y)\n"
        "obj-y += mm/\n"
        "subdir- += boot\n"
    ),
    "arch/mp/Kbuild.platforms": "platform-$(CONFIG_ATH79) += ath79/\nplatform-y += generic/\n",
    "arch/mp/Makefile": (
        "machine-$(CONFIG_ARCH_MXC) += imx\n"
        "core-y += $(patsubst %,arch/mp/mach-%/,$(machine-y))\n"
        "core- += $(patsubst %,arch/mp/mach-%/,$(machine-))\n"
        "ifeq ($(CONFIG_MMU),)\nMMUEXT := -nommu\nendif\n"
        "ifeq ($(CONFIG_X86_32),y)\nBITS := 32\nelse\nBITS := 64\nendif\n"
        "ifdef CONFIG_SPARC32\nexport WIDTH    := 32\nelse\nexport WIDTH := 64\nendif\n"
    ),
    "arch/mp/ath79/Makefile": "obj-y += setup.o\n",
    "arch/mp/generic/Makefile": "obj-y += init.o\n",
    "arch/mp/mach-imx/Makefile": "obj-y += cpu.o\n",
    "arch/mp/boot/Makefile": "obj-y += boot.o\n",
    "arch/mp/mm/Makefile": "obj-y += dma-mapping$(MMUEXT).o head_$(BITS).o setup_$(WIDTH).o\n",
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("arch/mp/ath79/setup.c", "ATH79"),
        ("arch/mp/generic/init.c", "y"),
        ("arch/mp/mach-imx/cpu.c", "ARCH_MXC"),
        ("arch/mp/boot/boot.c", "{built(arch/mp/boot/boot.c)}"),
        ("arch/mp/mm/dma-mapping.c", "MMU"),
        ("arch/mp/mm/dma-mapping-nommu.c", "!MMU"),
        ("arch/mp/mm/head_32.c", "X86_32"),
        ("arch/mp/mm/head_64.c", "!X86_32"),
        ("arch/mp/mm/setup_32.c", "SPARC32"),  # sparc's "export BITS := 32"
    ],
)
def test_build_condition_follows_lists_and_variables(
    tmp_path: Path, path: str, expected: str
) -> None:
    tree = KernelTree(tmp_path, dict(PLATFORM_MAKEFILES))
    assert render(build_condition(tree, path)) == expected


def test_a_c_file_included_by_a_built_one(tmp_path: Path) -> None:
    """m68k's setup.c includes setup_mm.c or setup_no.c; no Makefile names them."""
    files = {
        "arch/mk/Kbuild": "obj-y += kernel/\n",
        "arch/mk/kernel/Makefile": "obj-$(CONFIG_SETUP) += setup.o\n",
        "arch/mk/kernel/setup.c": (
            '#ifdef CONFIG_MMU\n#include "setup_mm.c"\n#else\n#include "setup_no.c"\n#endif\n'
        ),
        "arch/mk/kernel/setup_mm.c": "",
        "arch/mk/kernel/setup_no.c": "",
        "arch/mk/kernel/orphan.c": "",
    }
    graph = IncludeGraph.build(KernelTree(tmp_path, files), "mk")
    assert render(graph.condition("arch/mk/kernel/setup_mm.c")) == "MMU && SETUP"
    assert render(graph.condition("arch/mk/kernel/setup_no.c")) == "!MMU && SETUP"
    assert render(graph.condition("arch/mk/kernel/orphan.c")) == "{built(arch/mk/kernel/orphan.c)}"
