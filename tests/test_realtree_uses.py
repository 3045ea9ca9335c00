"""Call facts and asm-generic providers on the newest real tree, against what a plain
reading of the files says."""

from __future__ import annotations

import re

import pytest

from kconsist import cond as c
from kconsist.facts import ArchContext
from kconsist.rulelang import CFactSpec
from kconsist.tree import KernelTree

pytestmark = pytest.mark.realtree

NAME = ("__tlb_remove_table",)


def test_callers_in_mm_are_the_call_statements_with_their_guards(newest_tree: KernelTree):
    ctx = ArchContext(newest_tree, newest_tree.arch_env("mips"))
    spec = CFactSpec(NAME, ("call", "reference"), ("mm/**",))
    got = [(f.file, f.line) for f in ctx.facts(spec)]
    text = newest_tree.read_text("mm/mmu_gather.c").splitlines()
    statements = [
        ("mm/mmu_gather.c", i + 1)
        for i, line in enumerate(text)
        if re.match(r"\s+__tlb_remove_table\(", line)  # indented: a statement, no definition
    ]
    assert got == statements and len(got) >= 2
    # Each is compiled only where the table-freeing code is.
    for f in ctx.facts(spec):
        assert "MMU_GATHER_TABLE_FREE" in c.symbols(f.cond)


@pytest.mark.parametrize("arch", ["mips", "sparc", "microblaze"])
def test_the_generic_remover_is_reached_as_the_arch_headers_say(newest_tree, arch):
    """mips and sparc include <asm-generic/tlb.h> from their own headers, microblaze
    has none and gets Kbuild's generic-y wrapper."""
    ctx = ArchContext(newest_tree, newest_tree.arch_env(arch))
    spec = CFactSpec(NAME, ("function",), ("arch/{arch}/**",), asm_generic=True)
    generic = [f for f in ctx.facts(spec) if f.file == "include/asm-generic/tlb.h"]
    includes = any(
        "#include <asm-generic/tlb.h>" in newest_tree.read_text(rel)
        for rel in newest_tree.files(f"arch/{arch}/include", (".h",))
    )
    kbuild = newest_tree.read_text(f"arch/{arch}/include/asm/Kbuild")
    wrapped = re.search(r"^generic-y\s*\+=\s*tlb\.h\b", kbuild, re.M) is not None
    assert includes or wrapped
    (fact,) = generic
    assert "HAVE_ARCH_TLB_REMOVE_TABLE" in c.symbols(fact.cond)
    # Without the option the arch's own files only.
    plain = CFactSpec(NAME, ("function",), ("arch/{arch}/**",))
    assert all(f.file.startswith(f"arch/{arch}/") for f in ctx.facts(plain))
