"""Rule language 2 in the engine: Kconfig's meaning of undefined symbols, one finding
per site, families, guard facts and ``possible`` checks, on the v4 example tree."""

from pathlib import Path

from kconsist import engine
from kconsist.cond import FALSE
from kconsist.facts import ArchContext
from kconsist.frontdoors import delta
from kconsist.report.message import message
from kconsist.rulelang import load_rule_file, load_rules
from kconsist.ruletest import example_tree
from kconsist.tree import KernelTree

ROOT = Path(__file__).resolve().parent.parent
V4 = ROOT / "examples/pt-reclaim-v4"
RULES = {r.id: r for r in load_rules()}
HEADER = "arch/x86/include/asm/pgalloc.h"


def x86_header(body: str) -> KernelTree:
    return example_tree(V4).with_overlay({HEADER: body})


def remover(cond: str, name: str = "__tlb_remove_table") -> str:
    return f"#if {cond}\nstatic inline void {name}(void *table)\n{{\n}}\n#endif\n"


def rule_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return path


# -- undefined symbols are n -------------------------------------------------------


def test_another_arch_symbol_in_a_guard_is_n():
    # SPARC64 is defined in arch/sparc/Kconfig only: on x86 the remover is never built.
    tree = x86_header(remover("defined(CONFIG_SPARC64)"))
    assert engine.audit(tree, [RULES["tlb-remove-table-kconfig"]], ["x86"]).findings == []
    # Negated, it is always true on x86, and no finding names SPARC64.
    tree = x86_header(remover("!defined(CONFIG_SPARC64)"))
    (finding,) = engine.audit(tree, [RULES["tlb-remove-table-kconfig"]], ["x86"]).findings
    assert finding.line == 2
    assert "SPARC64" not in message(finding)
    assert finding.counterexample == {"HAVE_ARCH_TLB_REMOVE_TABLE": "n"}


TYPO = """\
rules:
  - id: typo
    severity: error
    message: "{arch}: {name}"
    facts:
      remover:
        c: {names: [__tlb_remove_table]}
    check:
      never: $remover && !HAVE_ARCH_TLB_REMOVE_TABLEE
"""


def test_a_symbol_no_kconfig_defines_is_an_error_at_the_rule_line(tmp_path):
    (rule,) = load_rule_file(rule_file(tmp_path, TYPO))
    result = engine.audit(x86_header(remover("1")), [rule], ["x86", "sparc"])
    assert result.findings == []
    (error,) = result.errors  # once, not once per arch
    assert (error.file, error.line) == (str(tmp_path / "rules.yaml"), 9)
    assert "HAVE_ARCH_TLB_REMOVE_TABLEE, which no Kconfig file of this tree defines" in (
        error.message
    )
    assert result.exit_code() == 2


def test_a_required_symbol_is_not_a_typo(tmp_path):
    text = TYPO.replace(
        "    facts:", "    requires: {symbols: [HAVE_ARCH_TLB_REMOVE_TABLEE]}\n    facts:"
    )
    (rule,) = load_rule_file(rule_file(tmp_path, text))
    result = engine.audit(x86_header(remover("1")), [rule], ["x86"])
    assert (result.errors, result.findings) == ([], [])
    assert [s.rule for s in result.skipped] == ["typo"]


def test_an_arch_only_symbol_in_a_rule_is_n_elsewhere(tmp_path):
    # SPARC64 exists in the tree (so no error), and is n on x86: the check cannot hold.
    text = TYPO.replace("!HAVE_ARCH_TLB_REMOVE_TABLEE", "SPARC64")
    (rule,) = load_rule_file(rule_file(tmp_path, text))
    result = engine.audit(x86_header(remover("1")), [rule], ["x86"])
    assert (result.errors, result.findings) == ([], [])


# -- one finding per site ----------------------------------------------------------


def test_each_violating_site_is_a_finding():
    two = remover("defined(CONFIG_SMP)") + remover("!defined(CONFIG_SMP)")
    findings = engine.audit(x86_header(two), [RULES["tlb-remove-table-kconfig"]], ["x86"]).findings
    assert [(f.line, f.counterexample.get("SMP")) for f in findings] == [(2, "y"), (7, "n")]


def test_a_second_site_after_the_first_is_introduced():
    rules = [RULES["tlb-remove-table-kconfig"]]
    one = x86_header(remover("defined(CONFIG_SMP)"))
    two = x86_header(remover("defined(CONFIG_SMP)") + remover("defined(CONFIG_64BIT)"))
    new = delta.introduced(engine.audit(one, rules, ["x86"]), engine.audit(two, rules, ["x86"]))
    assert [(f.file, f.line) for f in new.findings] == [(HEADER, 7)]


def test_an_identical_second_site_is_counted():
    rules = [RULES["tlb-remove-table-kconfig"]]
    one = x86_header(remover("1"))
    two = x86_header(remover("1") + remover("1"))
    new = delta.introduced(engine.audit(one, rules, ["x86"]), engine.audit(two, rules, ["x86"]))
    assert len(new.findings) == 1
    assert (
        delta.introduced(
            engine.audit(two, rules, ["x86"]), engine.audit(two, rules, ["x86"])
        ).findings
        == []
    )


# -- families ----------------------------------------------------------------------

FAMILY = """\
rules:
  - id: arch-hook-select
    severity: error
    message: "{arch} defines {name}() but does not select {sym}: {counterexample}"
    for-each:
      - {hook: tlb_remove_table, sym: HAVE_ARCH_TLB_REMOVE_TABLE}
      - {hook: tlb_flush_hook, sym: SMP}
    facts:
      impl:
        c: {names: ["__{hook}"], kinds: [function]}
    check:
      never: $impl && !{sym|upper}
"""


def test_a_family_checks_each_row(tmp_path):
    rules = load_rule_file(rule_file(tmp_path, FAMILY))
    assert [r.id for r in rules] == ["arch-hook-select", "arch-hook-select"]
    both = remover("1") + remover("1", "__tlb_flush_hook")
    findings = engine.audit(x86_header(both), rules, ["x86"]).findings
    assert [message(f) for f in findings] == [
        "x86 defines __tlb_remove_table() but does not select HAVE_ARCH_TLB_REMOVE_TABLE:"
        " HAVE_ARCH_TLB_REMOVE_TABLE=n",
        "x86 defines __tlb_flush_hook() but does not select SMP: SMP=n",
    ]


# -- guard facts and possible ------------------------------------------------------

DEAD = """\
rules:
  - id: dead-config
    severity: warning
    message: "{location}: never compiled on {arch}: {blocker}"
    facts:
      block:
        guard: {paths: ["arch/{arch}/**"]}
    check:
      possible: block
"""

DEAD_HEADER = """\
#ifndef _ASM_X86_PGALLOC_H
#define _ASM_X86_PGALLOC_H
#ifdef CONFIG_SPARC64
#ifdef CONFIG_SMP
#endif
#endif
#if defined(CONFIG_X86_64) && !defined(CONFIG_64BIT)
#endif
#ifdef CONFIG_SMP
#elif defined(CONFIG_X86_32)
#endif
#if CONFIG_PGTABLE_LEVELS > 2 || defined(CONFIG_NR_CPUS)
#endif
#endif
"""


def test_possible_reports_dead_blocks_with_what_blocks_them(tmp_path):
    (rule,) = load_rule_file(rule_file(tmp_path, DEAD))
    tree = x86_header(DEAD_HEADER).with_overlay(
        {
            "arch/x86/Kconfig": (V4 / "arch/x86/Kconfig").read_text()
            + "config NR_CPUS\n\tint\n\tdefault 8\n"
        }
    )
    findings = engine.audit(tree, [rule], ["x86"]).findings
    # The SMP test inside the dead SPARC64 block is not reported again; the #elif and
    # the non-bool tests are possible.
    assert [message(f) for f in findings] == [
        f"{HEADER}:3: never compiled on x86: SPARC64 is not defined for x86",
        f"{HEADER}:7: never compiled on x86: its conditions exclude each other"
        " (X86_64 depends on 64BIT)",
    ]


DEAD_BRANCH = ROOT / "examples/dead-branch"
ERRATA = "arch/arm64/kernel/errata.c"


def test_a_name_nothing_sets_is_reported_once_and_is_no_reason_elsewhere():
    """errata.c tests ARM64_ERRATUM_9999, which no Kconfig file defines: that test is
    dead-config-symbol's finding; dead-arch-branch reports only the branch that is
    dead for another reason as well, and does not name the symbol as a reason."""
    rules = [RULES["dead-arch-branch"], RULES["dead-config-symbol"]]
    tree = example_tree(DEAD_BRANCH)
    findings = engine.audit(tree, rules, ["arm64"]).findings
    at = [(f.line, f.rule, f.blocker) for f in findings if f.file == ERRATA]
    assert at == [
        (5, "dead-config-symbol", ""),
        (
            11,
            "dead-arch-branch",
            "CPU_BIG_ENDIAN can never be enabled (CPU_BIG_ENDIAN depends on BROKEN && <choice>)",
        ),
        (11, "dead-config-symbol", ""),
        (
            32,
            "dead-arch-branch",
            "CPU_BIG_ENDIAN can never be enabled (CPU_BIG_ENDIAN depends on BROKEN && <choice>)",
        ),
    ]


def test_a_guard_keeps_a_name_nothing_sets_as_n_in_its_own_condition(tmp_path):
    """Only possible: checks leave the name open; the fact, as other rules see it, is
    never compiled (Kconfig's n), and the #error branches are marked, not dropped."""
    (rule,) = load_rule_file(rule_file(tmp_path, DEAD))
    tree = example_tree(DEAD_BRANCH)
    ctx = ArchContext(tree, tree.arch_env("arm64"))
    guards = {f.line: f for f in ctx.facts(rule.facts["block"]) if f.file == ERRATA}
    assert guards[5].cond == FALSE
    assert ctx.opened(guards[5]).cond != FALSE
    assert sorted(line for line, f in guards.items() if f.asserts) == [18, 26]


NEVER_SELECTED = """\
rules:
  - id: dead-select
    severity: warning
    message: "{location}: {context} never takes effect on {arch}: {blocker}"
    facts:
      select:
        kconfig:
          select: {regex: '.*'}
          paths: ["arch/{arch}/Kconfig"]
    check:
      possible: select
"""


def test_possible_reports_a_select_that_never_takes_effect(tmp_path):
    (rule,) = load_rule_file(rule_file(tmp_path, NEVER_SELECTED.replace("{context} ", "")))
    kconfig = (
        (V4 / "arch/x86/Kconfig")
        .read_text()
        .replace(
            "\tselect MMU_GATHER_MERGE_VMAS\n",
            "\tselect MMU_GATHER_MERGE_VMAS\n\tselect SMP if SPARC64\n"
            "\tselect SMP if X86_64 && X86_32\n",
        )
    )
    tree = example_tree(V4).with_overlay({"arch/x86/Kconfig": kconfig})
    findings = engine.audit(tree, [rule], ["x86"]).findings
    assert [message(f) for f in findings] == [
        "arch/x86/Kconfig:20: never takes effect on x86: SPARC64 is not defined for x86",
        "arch/x86/Kconfig:21: never takes effect on x86: its conditions exclude each other"
        " (X86_64 depends on 64BIT; X86_32 depends on !64BIT)",
    ]


# -- unknowns never make a finding -------------------------------------------------

X86_SELECTING = (
    "config X86\n\tdef_bool y\n\tselect MMU_GATHER_RCU_TABLE_FREE\n"
    "\tselect HAVE_ARCH_TLB_REMOVE_TABLE if SMP\n"
    'config SMP\n\tbool "SMP"\n'
)


def test_an_undecided_build_of_another_fact_counts_against_the_finding():
    """The stale-select check on a select whose remover is in a .c file no Makefile
    names: kconsist cannot tell whether it is built, so it is not a finding; decided
    unbuilt (listed for another symbol), it is."""
    remover_c = "void __tlb_remove_table(void *table)\n{\n}\n"
    undecided = example_tree(V4).with_overlay(
        {"arch/x86/Kconfig": X86_SELECTING, "arch/x86/mm/tlb.c": remover_c}
    )
    rule = RULES["tlb-remove-table-stale-select"]
    assert engine.audit(undecided, [rule], ["x86"]).findings == []
    decided = undecided.with_overlay(
        {
            "arch/x86/Kbuild": "obj-y += mm/\n",
            "arch/x86/mm/Makefile": "obj-$(CONFIG_NUMA) += tlb.o\n",
        }
    )
    (finding,) = engine.audit(decided, [rule], ["x86"]).findings
    assert (finding.file, finding.counterexample) == ("arch/x86/Kconfig", {"X86": "y", "SMP": "y"})
