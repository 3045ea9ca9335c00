import textwrap
from pathlib import Path

import pytest

from kconsist import cond as c
from kconsist.rulelang import CFactSpec, KconfigFactSpec, RuleError, load_rule_file, load_rules

GOOD = """\
rules:
  - id: my-rule
    severity: error
    message: "{arch}: {name} at {location}"
    facts:
      impl:
        c:
          names: [foo]
      sel:
        kconfig:
          select: HAVE_FOO
    check:
      never: $impl && !HAVE_FOO
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "rules.yaml"
    p.write_text(textwrap.dedent(text))
    return p


def test_good_rule_loads(tmp_path):
    (rule,) = load_rule_file(write(tmp_path, GOOD))
    assert rule.id == "my-rule" and rule.line == 2
    assert rule.facts["impl"] == CFactSpec(
        ("foo",), ("function", "prototype", "macro"), ("arch/{arch}/**",)
    )
    assert rule.facts["sel"] == KconfigFactSpec("select", "HAVE_FOO")
    assert rule.check.cond == c.parse("$impl && !HAVE_FOO")
    assert rule.check.at == "impl"  # first fact of the condition


def test_bundled_rules_have_the_seed_ids():
    ids = {r.id for r in load_rules()}
    assert {
        "tlb-remove-table-kconfig",
        "tlb-remove-table-legacy-macro",
        "pt-reclaim-custom-remover",
    } <= ids
    for rule in load_rules():
        assert rule.examples, f"{rule.id} has no examples"
        assert all(e.is_dir() for e in rule.examples)


@pytest.mark.parametrize(
    "old,new,line,words",
    [
        (
            "    severity: error\n",
            "    severity: error\n    colour: red\n",
            4,
            "unknown key 'colour'",
        ),
        ("severity: error", "severity: fatal", 3, "'fatal' is not one of"),
        ("          names: [foo]", "          names: foo", 8, "is not of type 'array'"),
        ("never: $impl && !HAVE_FOO", "never: $impl && && X", 13, "bad condition"),
        ("never: $impl && !HAVE_FOO", "never: $other", 13, "unknown fact $other"),
        ('"{arch}: {name} at {location}"', '"{arch} {where}"', 4, "unknown placeholder {where}"),
        ("    check:\n", "    check:\n      bogus: 1\n", 13, "unknown key 'bogus'"),
    ],
)
def test_errors_name_the_line(tmp_path, old, new, line, words):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(RuleError) as e:
        load_rule_file(path)
    assert e.value.file == str(path)
    assert e.value.line == line, str(e.value)
    assert words in e.value.message


def test_yaml_syntax_error(tmp_path):
    path = write(tmp_path, "rules:\n  - id: x\n    message: [unclosed\n")
    with pytest.raises(RuleError) as e:
        load_rule_file(path)
    assert "YAML syntax error" in e.value.message and e.value.line == 4


def test_duplicate_ids_across_files(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    with pytest.raises(RuleError) as e:
        load_rules([tmp_path])
    assert "duplicate rule id 'my-rule'" in e.value.message
    assert e.value.file.endswith("b.yaml") and e.value.line == 2


def test_missing_rule_path(tmp_path):
    with pytest.raises(RuleError, match="no such rule file"):
        load_rules([tmp_path / "nope.yaml"])
