"""Engine behaviour beyond the rule examples: undecidable conditions, arch filters."""

from pathlib import Path

from kconsist import engine
from kconsist.report.message import condition_text, message, undecided_texts
from kconsist.rulelang import load_rules
from kconsist.ruletest import example_tree

ROOT = Path(__file__).resolve().parent.parent
V4 = ROOT / "examples/pt-reclaim-v4"
RULES = {r.id: r for r in load_rules()}

REMOVER_UNDER = """\
#ifndef _ASM_X86_PGALLOC_H
#define _ASM_X86_PGALLOC_H
#if {cond}
static inline void __tlb_remove_table(void *table)
{{
}}
#endif
#endif
"""


def x86_remover(cond: str):
    tree = example_tree(V4)
    return tree.with_overlay({"arch/x86/include/asm/pgalloc.h": REMOVER_UNDER.format(cond=cond)})


def test_undecidable_condition_is_reported_as_an_assumption():
    result = engine.audit(x86_remover("PAGE_SHIFT > 12"), [RULES["tlb-remove-table-kconfig"]])
    (finding,) = result.findings
    assert (finding.arch, finding.file, finding.line) == (
        "x86",
        "arch/x86/include/asm/pgalloc.h",
        4,
    )
    assert undecided_texts(finding) == ["{PAGE_SHIFT > 12}=y"]
    assert "(assuming {PAGE_SHIFT > 12}=y, which kconsist cannot decide)" in message(finding)


def test_compiler_macros_are_mapped_per_arch():
    # __x86_64__ is X86_64 on x86: the remover exists only on 64-bit, and the finding says so.
    result = engine.audit(x86_remover("defined(__x86_64__)"), [RULES["tlb-remove-table-kconfig"]])
    (finding,) = result.findings
    assert condition_text(finding) == "X86_64"
    assert finding.counterexample == {
        "ARCH": "x86_64",
        "HAVE_ARCH_TLB_REMOVE_TABLE": "n",
        "X86_64": "y",
    }
    # A sparc-only macro is false on x86: that remover is never compiled there.
    quiet = engine.audit(x86_remover("defined(__arch64__)"), [RULES["tlb-remove-table-kconfig"]])
    assert quiet.findings == []


def test_impossible_guard_is_not_a_finding():
    result = engine.audit(
        x86_remover("defined(CONFIG_X86_64) && !defined(CONFIG_64BIT)"),
        [RULES["tlb-remove-table-kconfig"]],
    )
    assert result.findings == []


def test_arch_filter_and_parallel_jobs_agree():
    tree = x86_remover("1")
    rules = list(RULES.values())
    serial = engine.audit(tree, rules)
    parallel = engine.audit(tree, rules, jobs=2)
    assert serial.findings == parallel.findings and serial.arches == parallel.arches
    only_sparc = engine.audit(tree, rules, ["sparc"])
    assert only_sparc.arches == ["sparc"] and only_sparc.findings == []
    assert {f.arch for f in serial.findings} == {"x86"}


def test_counterexample_keeps_only_symbols_that_matter(tmp_path):
    rule_file = tmp_path / "r.yaml"
    rule_file.write_text(
        "rules:\n"
        "  - id: demo\n"
        "    severity: error\n"
        "    message: '{counterexample}'\n"
        "    facts:\n"
        "      remover:\n"
        "        c: {names: [__tlb_remove_table]}\n"
        "    check:\n"
        "      never: $remover && (SMP || 64BIT || X86_32)\n"
    )
    (rule,) = load_rules([rule_file])
    (finding,) = engine.audit(x86_remover("1"), [rule], ["x86"]).findings
    # Any one of the three makes the check fail; the others are left out.
    example = dict(finding.counterexample)
    arch = example.pop("ARCH")  # the word-size variant is always named
    assert len(example) <= 1 and set(example) <= {"SMP", "X86_32"}
    if not example:  # 64BIT was the one kept: it is shown as ARCH=x86_64
        assert arch == "x86_64"
    else:
        assert list(example.values()) == ["y"]
