"""kconsist's SARIF against the official SARIF 2.1.0 JSON Schema (tests/data/README.md
says where the schema file comes from)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from kconsist import engine, report
from kconsist.findings import InputError
from kconsist.rulelang import load_rules
from kconsist.ruletest import example_tree

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests/data/sarif-schema-2.1.0.json").read_text())
SPARC = "arch/sparc/include/asm/pgalloc_64.h"


def _validator() -> jsonschema.Validator:
    cls = jsonschema.validators.validator_for(SCHEMA)
    assert cls is jsonschema.Draft4Validator  # the schema says draft-04
    cls.check_schema(SCHEMA)
    return cls(SCHEMA, format_checker=cls.FORMAT_CHECKER)


def _audit_with_everything() -> dict:
    """A run with findings, a suppressed finding and an input error."""
    tree = example_tree(ROOT / "examples/pt-reclaim-v3")
    text = tree.read_text(SPARC)
    site = text.index("__tlb_remove_table(")
    start = text.rindex("\n", 0, site) + 1
    quiet = text[:start] + "/* kconsist-ignore: pt-reclaim-custom-remover known */\n" + text[start:]
    result = engine.audit(tree.with_overlay({SPARC: quiet}), load_rules(), ["sparc", "powerpc"])
    result.errors.append(InputError("arch/um/Kconfig", 7, "syntax error", "um"))
    return json.loads(report.render(result, "sarif"))


def test_sarif_output_is_valid_against_the_official_schema() -> None:
    doc = _audit_with_everything()
    results = doc["runs"][0]["results"]
    assert {"suppressions" in r for r in results} == {True, False}
    assert doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    errors = sorted(_validator().iter_errors(doc), key=str)
    assert errors == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("version"),
        lambda d: d["runs"][0]["results"][0].update(level="fatal"),
        lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(
            startLine=0
        ),
        lambda d: d["runs"][0]["tool"]["driver"]["rules"][0].update(defaultConfiguration=[]),
    ],
)
def test_the_schema_check_catches_broken_sarif(damage) -> None:
    doc = _audit_with_everything()
    damage(doc)
    assert list(_validator().iter_errors(doc)) != []
