"""Families per instance: a fact's regex with named groups binds them for each instance
(``{x|lower}``, ``{x|upper}`` in the other facts, the check and the message), on the
c-flag example tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from kconsist import engine
from kconsist.report.message import message
from kconsist.rulelang import RuleError, load_rule_file
from kconsist.ruletest import example_tree

ROOT = Path(__file__).resolve().parent.parent
TREE = example_tree(ROOT / "examples/c-flag")
HEADER = "arch/mips/include/asm/pgtable.h"

OPT_IN = """\
rules:
  - id: arch-hook-unselected
    severity: error
    message: "{arch} defines {name}() but ARCH_HAS_{x|upper} is n: {counterexample}"
    facts:
      own: {c: {names: {regex: 'arch_(?P<x>\\w+)'}, kinds: [function]}}
    check:
      never: $own && !ARCH_HAS_{x|upper}
"""


def _rules(tmp_path: Path, text: str) -> list:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return load_rule_file(path)


def test_the_capture_names_the_function_each_flag_announces() -> None:
    (rule,) = load_rule_file(ROOT / "rules/c-flag.yaml")[:1]
    assert rule.captures == ("x",)
    found = engine.audit(TREE, [rule], ["mips"]).findings
    assert sorted((f.file, f.name) for f in found) == [
        ("arch/mips/include/asm/pgtable.h", "__HAVE_ARCH_PTEP_SET_WRPROTECT"),
        ("arch/mips/include/asm/string.h", "__HAVE_ARCH_MEMMOVE"),
    ]
    wrprotect = next(f for f in found if "WRPROTECT" in f.name)
    assert "compiles no ptep_set_wrprotect() of its own" in message(wrprotect)
    assert wrprotect.counterexample == {"HUGETLB_PAGE": "n"}


def test_a_derived_symbol_the_tree_lacks_takes_the_instance_out_of_the_family(
    tmp_path: Path,
) -> None:
    kconfig = TREE.read_text("arch/mips/Kconfig") + "\nconfig ARCH_HAS_FOO\n\tbool\n"
    c_file = "void arch_foo(void)\n{\n}\n\nvoid arch_bar(void)\n{\n}\n"
    tree = TREE.with_overlay({"arch/mips/Kconfig": kconfig, "arch/mips/hooks.h": c_file})
    result = engine.audit(tree, _rules(tmp_path, OPT_IN), ["mips"])
    # ARCH_HAS_FOO exists and is never selected; ARCH_HAS_BAR exists nowhere: no member.
    assert [(f.name, f.counterexample) for f in result.findings] == [
        ("arch_foo", {"ARCH_HAS_FOO": "n"})
    ]
    assert result.errors == []
    selected = kconfig.replace(
        "config MIPS\n\tdef_bool y\n", "config MIPS\n\tdef_bool y\n\tselect ARCH_HAS_FOO\n"
    )
    assert selected != kconfig
    tree = tree.with_overlay({"arch/mips/Kconfig": selected})
    assert engine.audit(tree, _rules(tmp_path, OPT_IN), ["mips"]).findings == []


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            OPT_IN.replace("{regex: 'arch_(?P<x>\\w+)'}", "[arch_foo]"),
            "bad condition '$own && !ARCH_HAS_{x|upper}'",
        ),
        (
            OPT_IN.replace(
                "      own:",
                "      sel: {kconfig: {select: {regex: 'ARCH_HAS_(?P<y>\\w+)'}}}\n      own:",
            ),
            "regex group 'y' must be in the regex of the fact the check points at (own)",
        ),
        (
            OPT_IN.replace("    facts:", "    for-each: [{x: a}]\n    facts:"),
            "for-each key 'x' is also a regex group of a fact",
        ),
    ],
)
def test_captures_that_cannot_be_bound_are_errors_at_the_rule(
    tmp_path: Path, text: str, error: str
) -> None:
    with pytest.raises(RuleError) as e:
        _rules(tmp_path, text)
    assert error in str(e.value) and str(e.value).startswith(str(tmp_path / "rules.yaml") + ":")
