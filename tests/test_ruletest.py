"""The bundled rules against their examples, and the rule-test mechanism itself."""

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kconsist import ruletest
from kconsist.main import main
from kconsist.rulelang import load_rules

EXAMPLES = [(r, ex) for r in load_rules() for ex in r.examples]
# The rows of a family that share an id share its markers: they run together.
_ROWS: dict[tuple[str, Path], list] = {}
for _r, _ex in EXAMPLES:
    _ROWS.setdefault((_r.id, _ex), []).append(_r)


@pytest.mark.parametrize("key", list(_ROWS), ids=[f"{i}:{e.name}" for i, e in _ROWS])
def test_bundled_rule_example(key):
    outcome = ruletest.run_example(_ROWS[key], key[1])
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
    src = Path(__file__).parent.parent / "examples/tlb-remove-table/legacy-macro"
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
    tree = ruletest.example_tree(
        Path(__file__).parent.parent / "examples/tlb-remove-table/missing-select"
    )
    assert "HAVE_ARCH_TLB_REMOVE_TABLE" not in tree.read_text("arch/sparc/Kconfig")
    assert "HAVE_ARCH_TLB_REMOVE_TABLE" in tree.read_text("arch/powerpc/Kconfig")
    assert tree.root.name == "pt-reclaim-v4"


EXAMPLES_DIR = Path(__file__).parent.parent / "examples"
RULES = {r.id: r for r in load_rules()}


def variant_of(tmp_path: Path, case: str) -> Path:
    """A copy of examples/tlb-remove-table/CASE whose base is given absolutely."""
    src = EXAMPLES_DIR / "tlb-remove-table" / case
    variant = tmp_path / case
    shutil.copytree(src, variant)
    base = (src / (src / ruletest.BASE_FILE).read_text().strip()).resolve()
    (variant / ruletest.BASE_FILE).write_text(str(base))
    return variant


def test_ok_and_todo_markers(tmp_path: Path):
    variant = variant_of(tmp_path, "legacy-macro")
    header = variant / "arch/sparc/include/asm/tlb_64.h"
    header.with_name("tlb_64.h.fixed").unlink()  # the markers change the file
    rule = RULES["tlb-remove-table-legacy-macro"]
    header.write_text(header.read_text().replace("kconsist-expect:", "kconsist-ok:"))
    outcome = ruletest.run_example(rule, variant)
    assert outcome.problems == [
        "reported at a kconsist-ok line: arch/sparc/include/asm/tlb_64.h:10"
    ]
    header.write_text(header.read_text().replace("kconsist-ok:", "kconsist-todo:"))
    outcome = ruletest.run_example(rule, variant)
    assert outcome.problems == [
        "reported at a kconsist-todo line (make it kconsist-expect):"
        " arch/sparc/include/asm/tlb_64.h:10"
    ]
    # A todo the rule does not report yet passes, and is counted.
    header.write_text(header.read_text().replace("#define __HAVE_ARCH", "#define __HAVE_ARCHX"))
    outcome = ruletest.run_example(rule, variant)
    assert (outcome.ok, outcome.todo) == (True, 1)
    assert ruletest.Outcome([outcome]).text().endswith("1 passed, 0 failed, 1 todo\n")


def test_a_rule_without_cases_and_a_run_without_examples_fail(tmp_path: Path):
    rule = replace(RULES["tlb-remove-table-legacy-macro"], examples=())
    outcome = ruletest.run([rule])
    assert not outcome.ok
    assert outcome.text().splitlines() == [
        f"FAIL tlb-remove-table-legacy-macro ({rule.file}:{rule.line}): no test case",
        "FAIL no rule example ran",
        "0 passed, 1 failed",
    ]
    assert not ruletest.Outcome([]).ok


def test_an_include_arch_no_example_has_fails():
    rule = replace(RULES["tlb-remove-table-legacy-macro"], include_arches=("mipz",))
    outcome = ruletest.run([rule])
    assert not outcome.ok
    assert outcome.problems == [
        f"tlb-remove-table-legacy-macro ({rule.file}:{rule.line}): arches: include names"
        " 'mipz', which none of its examples has"
    ]


def test_rules_dir_without_yaml_is_an_error(tmp_path: Path, capsys):
    assert main(["test-rules", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"kconsist: error: {tmp_path}: no rule files (*.yaml, *.yml) in this directory\n"
    )


def test_a_variant_of_arch_files_checks_only_those_arches():
    case = EXAMPLES_DIR / "tlb-remove-table/new-remover"
    tree = ruletest.example_tree(case)
    assert tree.arches() == ["powerpc", "sparc", "x86"]
    assert ruletest.needed_arches(tree, case) == ["x86"]
    assert ruletest.needed_arches(tree, EXAMPLES_DIR / "pt-reclaim-v4") == tree.arches()


def test_fixed_files_are_compared_byte_for_byte(tmp_path: Path):
    variant = variant_of(tmp_path, "missing-select")
    rule = RULES["tlb-remove-table-kconfig"]
    assert ruletest.run_example(rule, variant).ok
    fixed = variant / "arch/sparc/Kconfig.fixed"
    fixed.write_bytes(
        fixed.read_bytes().replace(
            b"if SMP\n\tselect MMU_GATHER_MERGE", b"if SMP \n\tselect MMU_GATHER_MERGE"
        )
    )
    outcome = ruletest.run_example(rule, variant)
    assert outcome.problems == ["fix makes arch/sparc/Kconfig differ from arch/sparc/Kconfig.fixed"]
    fixed.unlink()
    (variant / "arch/sparc/include/asm/pgalloc_64.h.fixed").write_text("x\n")
    outcome = ruletest.run_example(rule, variant)
    assert outcome.problems == [
        "fix leaves arch/sparc/include/asm/pgalloc_64.h unchanged, but"
        " arch/sparc/include/asm/pgalloc_64.h.fixed expects a change",
        "fix changes arch/sparc/Kconfig, which has no arch/sparc/Kconfig.fixed",
    ]


CALL_SITES = EXAMPLES_DIR / "call-sites/call-sites.yaml"


def test_the_call_sites_example_rule_passes_and_can_fail(tmp_path: Path, capsys):
    """examples/call-sites: an example rule (not in the shipped pack) over call facts
    and asm-generic providers; without ``asm-generic: true`` the callers that the
    generic remover serves are reported at their kconsist-ok lines."""
    assert main(["test-rules", str(CALL_SITES)]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out
    text = CALL_SITES.read_text().replace("asm-generic: true", "asm-generic: false")
    text = text.replace("examples: [tree]", f"examples: [{CALL_SITES.parent / 'tree'}]")
    broken = tmp_path / "call-sites.yaml"
    broken.write_text(text)
    assert main(["test-rules", str(broken)]) == 1
    out = capsys.readouterr().out
    for line in ("arch/riscv/mm/pgtable.c:8", "arch/sparc/mm/tlb.c:10", "arch/x86/mm/pgtable.c:8"):
        assert f"reported at a kconsist-ok line: {line}" in out
