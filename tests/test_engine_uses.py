"""Call facts and definitions reached through ``<asm-generic/...>``, in the engine, on
the examples/call-sites tree (and variants of it made in memory)."""

from pathlib import Path

from kconsist import cond as c
from kconsist import engine, sat
from kconsist.facts import ArchContext
from kconsist.rulelang import CFactSpec, load_rule_file
from kconsist.ruletest import example_tree

ROOT = Path(__file__).resolve().parent.parent
TREE = ROOT / "examples/call-sites/tree"
RULE_FILE = ROOT / "examples/call-sites/call-sites.yaml"
NAME = ("__tlb_remove_table",)


def facts(arch: str, spec: CFactSpec, overlay: dict[str, str | None] | None = None):
    tree = example_tree(TREE).with_overlay(overlay or {})
    ctx = ArchContext(tree, tree.arch_env(arch))
    return [(f.kind, f.file, f.line, f.cond) for f in ctx.facts(spec)], ctx


def calls(paths=("arch/{arch}/**",)) -> CFactSpec:
    return CFactSpec(NAME, ("call", "reference"), paths)


def removers(paths=("arch/{arch}/**",), asm_generic=True) -> CFactSpec:
    return CFactSpec(NAME, ("function", "macro"), paths, asm_generic=asm_generic)


def test_calls_are_facts_with_their_guard_and_file_condition():
    got, ctx = facts("parisc", calls())
    assert got == [
        ("call", "arch/parisc/include/asm/tlb.h", 14, c.TRUE),  # the #define body
        ("call", "arch/parisc/mm/pgtable.c", 11, c.TRUE),  # not the comment, not the string
        ("call", "arch/parisc/mm/pgtable.c", 18, c.Sym("64BIT")),
    ]
    assert ctx.problems == []
    # The definition at tlb.h:6 is not a use, and a definitions-only fact has no calls.
    got, _ = facts(
        "parisc", CFactSpec(NAME, ("function", "prototype", "macro"), ("arch/{arch}/**",))
    )
    assert [(k, f, n) for k, f, n, _ in got] == [("function", "arch/parisc/include/asm/tlb.h", 6)]


def test_a_call_in_a_file_no_makefile_builds_has_that_condition():
    overlay = {"arch/parisc/mm/Makefile": "obj-$(CONFIG_64BIT) += pgtable.o\n"}
    got, _ = facts("parisc", calls(("arch/{arch}/mm/**",)), overlay)
    assert [cond for *_, cond in got] == [c.Sym("64BIT"), c.Sym("64BIT")]


def test_asm_generic_definitions_reached_through_an_include_and_a_wrapper():
    generic = "include/asm-generic/tlb-table.h"
    # x86: arch/x86/include/asm/tlb.h includes <asm-generic/tlb.h>, which includes
    # <asm-generic/tlb-table.h>: the definition is reported at its own file and line.
    want = c.and_(c.Sym("MMU_GATHER_TABLE_FREE"), c.not_(c.Sym("HAVE_ARCH_TLB_REMOVE_TABLE")))
    got, _ = facts("x86", removers())
    assert [(k, f, n) for k, f, n, _ in got] == [("function", generic, 7)]
    assert equivalent(got[0][3], want)
    # riscv has no tlb.h: the generic-y wrapper of its Kbuild stands for one.
    got, _ = facts("riscv", removers())
    assert [(k, f, n) for k, f, n, _ in got] == [("function", generic, 7)]
    # Without the option, or with paths that name no header, nothing is reached.
    assert facts("x86", removers(asm_generic=False))[0] == []
    assert facts("riscv", removers(("arch/{arch}/**/*.c",)))[0] == []


def test_the_include_line_guard_and_the_header_condition_are_part_of_it():
    header = "arch/x86/include/asm/tlb.h"
    guarded = "#ifdef CONFIG_X86_GENERIC_TLB\n#include <asm-generic/tlb.h>\n#endif\n"
    kconfig = "config X86\n\tdef_bool y\n\tselect MMU_GATHER_TABLE_FREE\n"
    kconfig += 'config X86_GENERIC_TLB\n\tbool "generic tlb"\n'
    got, _ = facts("x86", removers(), {header: guarded, "arch/x86/Kconfig": kconfig})
    (fact,) = got
    own = c.and_(c.Sym("MMU_GATHER_TABLE_FREE"), c.not_(c.Sym("HAVE_ARCH_TLB_REMOVE_TABLE")))
    assert equivalent(fact[3], c.and_(c.Sym("X86_GENERIC_TLB"), own))
    # The include inside a comment is no include.
    got, _ = facts("x86", removers(), {header: "/*\n#include <asm-generic/tlb.h>\n*/\n"})
    assert got == []


def test_a_header_the_paths_name_directly_keeps_its_own_condition():
    spec = removers(("arch/{arch}/**", "include/asm-generic/**"))
    kconfig = "config X86\n\tdef_bool y\n\tselect MMU_GATHER_TABLE_FREE\n"
    kconfig += 'config X86_GENERIC_TLB\n\tbool "generic tlb"\n'
    header = "#ifdef CONFIG_X86_GENERIC_TLB\n#include <asm-generic/tlb.h>\n#endif\n"
    overlay = {"arch/x86/include/asm/tlb.h": header, "arch/x86/Kconfig": kconfig}
    (fact,) = facts("x86", spec, overlay)[0]
    assert fact[1] == "include/asm-generic/tlb-table.h"
    own = c.and_(c.Sym("MMU_GATHER_TABLE_FREE"), c.not_(c.Sym("HAVE_ARCH_TLB_REMOVE_TABLE")))
    assert equivalent(fact[3], own)  # not under X86_GENERIC_TLB: named, it is read as is


def equivalent(a: c.Cond, b: c.Cond) -> bool:
    return sat.solve([c.or_(c.and_(a, c.not_(b)), c.and_(b, c.not_(a)))]) is None


def test_the_example_rule_fires_only_where_no_remover_is_compiled():
    (rule,) = load_rule_file(RULE_FILE)
    result = engine.audit(example_tree(TREE), [rule], ["parisc", "riscv", "sparc", "x86"])
    got = sorted((f.arch, f.file, f.line, f.kind) for f in result.findings)
    assert got == [
        ("parisc", "arch/parisc/include/asm/tlb.h", 14, "call"),
        ("parisc", "arch/parisc/mm/pgtable.c", 11, "call"),
    ]
    assert result.exit_code() == 1


FAMILY = """\
rules:
  - id: arch-hook-called-unselected
    severity: error
    message: "{arch}: {name}() called at {location} while ARCH_HAS_{x|upper} is n"
    facts:
      use:
        c: {names: {regex: 'arch_(?P<x>\\w+)'}, kinds: [call]}
    check:
      never: $use && !ARCH_HAS_{x|upper}
"""


def test_a_family_per_instance_over_calls(tmp_path):
    """Captures bind per call site: each called arch_x() asks its own ARCH_HAS_X."""
    path = tmp_path / "rules.yaml"
    path.write_text(FAMILY)
    (rule,) = load_rule_file(path)
    kconfig = "config PARISC\n\tdef_bool y\n\tselect ARCH_HAS_FLUSH\n"
    kconfig += "config ARCH_HAS_FLUSH\n\tbool\nconfig ARCH_HAS_SYNC\n\tbool\n"
    code = "void f(void)\n{\n\tarch_flush();\n\tarch_sync();\n\tarch_other();\n}\n"
    overlay = {"arch/parisc/Kconfig": kconfig, "arch/parisc/mm/pgtable.c": code}
    tree = example_tree(TREE).with_overlay(overlay)
    result = engine.audit(tree, [rule], ["parisc"])
    # arch_flush: selected; arch_other: no ARCH_HAS_OTHER in the tree, no member.
    assert [(f.file, f.line, f.name) for f in result.findings] == [
        ("arch/parisc/mm/pgtable.c", 4, "arch_sync")
    ]
    assert result.errors == []
