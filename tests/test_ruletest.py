"""The bundled rules against their examples, and the rule-test mechanism itself."""

import shutil
from pathlib import Path

import pytest

from kconsist import ruletest
from kconsist.rulelang import load_rules

EXAMPLES = [(r, ex) for r in load_rules() for ex in r.examples]


@pytest.mark.parametrize("rule,example", EXAMPLES, ids=[f"{r.id}:{e.name}" for r, e in EXAMPLES])
def test_bundled_rule_example(rule, example):
    outcome = ruletest.run_example(rule, example)
    assert outcome.ok, ruletest.Outcome([outcome]).text()


def test_every_seed_rule_has_an_example_with_a_finding():
    fired = {r.id for r, ex in EXAMPLES if ruletest.expectations(ruletest.example_tree(ex), r.id)}
    assert {
        "tlb-remove-table-kconfig",
        "tlb-remove-table-legacy-macro",
        "pt-reclaim-custom-remover",
        "tlb-remove-table-stale-select",
    } <= fired


def test_a_missing_expectation_fails(tmp_path: Path):
    """Deleting an expect comment must turn the example red: the mechanism can fail."""
    src = Path(__file__).parent / "fixtures/rules/legacy-macro"
    variant = tmp_path / "legacy-macro"
    shutil.copytree(src, variant)
    base = (src / ruletest.BASE_FILE).read_text().strip()
    (variant / ruletest.BASE_FILE).write_text(str((src / base).resolve()))
    header = variant / "arch/sparc/include/asm/tlb_64.h"
    header.write_text(header.read_text().replace("kconsist-expect:", "no-expect:"))
    (rule,) = [r for r in load_rules() if r.id == "tlb-remove-table-legacy-macro"]
    outcome = ruletest.run_example(rule, variant)
    assert not outcome.ok
    assert outcome.unexpected == [(rule.id, "arch/sparc/include/asm/tlb_64.h", 10)]
    assert outcome.missing == []


def test_variant_overlays_base_in_memory():
    tree = ruletest.example_tree(Path(__file__).parent / "fixtures/rules/missing-select")
    assert "HAVE_ARCH_TLB_REMOVE_TABLE" not in tree.read_text("arch/sparc/Kconfig")
    assert "HAVE_ARCH_TLB_REMOVE_TABLE" in tree.read_text("arch/powerpc/Kconfig")
    assert tree.root.name == "pt-reclaim-v4"
