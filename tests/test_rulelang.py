import textwrap
from pathlib import Path

import pytest

from kconsist import cond as c
from kconsist.rulelang import (
    CFactSpec,
    GuardFactSpec,
    KconfigFactSpec,
    Possible,
    RuleError,
    load_rule_file,
    load_rules,
)

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
        (
            "          names: [foo]",
            "          names: [foo]\n          kinds: [calls]",
            9,
            "'calls' is not one of",
        ),
        (
            "          names: [foo]",
            "          names: [foo]\n          asm-generic: yes please",
            9,
            "is not of type 'boolean'",
        ),
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


def test_yaml_aliases_that_expand_too_far_are_refused(tmp_path):
    """A "billion laughs" rule file: nine levels of ten aliases each would expand to
    10**9 nodes; it is refused, naming the file and a line, before anything expands."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    path = write(tmp_path, "\n".join(levels) + "\nrules: *a9\n")
    with pytest.raises(RuleError) as e:
        load_rule_file(path)
    assert e.value.file == str(path) and e.value.line
    assert "YAML aliases expand to more than 100000 nodes" in e.value.message


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


FAMILY = """\
rules:
  - id: family
    severity: error
    message: "{arch}: {name} needs {sym}"
    for-each:
      - {fn: sync_dma_for_device}
      - {fn: dma_prep_coherent}
    facts:
      impl:
        c:
          names: ["arch_{fn}"]
          paths: ["arch/{arch}/mm/**"]
    check:
      never: $impl && !ARCH_HAS_{fn|upper}
"""


def test_a_family_expands_one_rule_per_row(tmp_path):
    rules = load_rule_file(write(tmp_path, FAMILY.replace("{sym}", "ARCH_HAS_{fn|upper}")))
    assert [r.id for r in rules] == ["family", "family"]
    assert [r.facts["impl"].names for r in rules] == [
        ("arch_sync_dma_for_device",),
        ("arch_dma_prep_coherent",),
    ]
    assert [r.check.cond for r in rules] == [
        c.parse("$impl && !ARCH_HAS_SYNC_DMA_FOR_DEVICE"),
        c.parse("$impl && !ARCH_HAS_DMA_PREP_COHERENT"),
    ]
    assert rules[0].message == "{arch}: {name} needs ARCH_HAS_SYNC_DMA_FOR_DEVICE"
    assert rules[1].binding == (("fn", "dma_prep_coherent"),)
    assert rules[0].facts["impl"].paths == ("arch/{arch}/mm/**",)  # {arch} kept for later
    assert dict(rules[0].symbols) == {"ARCH_HAS_SYNC_DMA_FOR_DEVICE": 14}


@pytest.mark.parametrize(
    "old,new,line,words",
    [
        ("      - {fn: dma_prep_coherent}", "      - {fx: dma_prep_coherent}", 7, "row has keys"),
        ("      - {fn: dma_prep_coherent}", "      - {fn: a, arch: b}", 7, "row has keys"),
        ("{fn|upper}", "{fm|upper}", 14, "unknown template {fm|upper}"),
        ('"arch_{fn}"', '"arch_{fm}"', 11, "'arch_{fm}' is not a C or Kconfig name"),
        ('"arch/{arch}/mm/**"', '"arch/{arch}/{mm}/**"', 12, "unknown template {mm} in path"),
        ('"{arch}: {name} needs {sym}"', '"{arch} {fm}"', 4, "unknown placeholder {fm}"),
    ],
)
def test_family_errors_name_the_line(tmp_path, old, new, line, words):
    assert old in FAMILY
    path = write(tmp_path, FAMILY.replace(old, new).replace("{sym}", "x"))
    with pytest.raises(RuleError) as e:
        load_rule_file(path)
    assert (e.value.line, words in e.value.message) == (line, True), str(e.value)


def test_a_for_each_key_may_not_shadow_a_placeholder(tmp_path):
    text = FAMILY.replace("{sym}", "x").replace("fn:", "name:").replace("{fn", "{name")
    with pytest.raises(RuleError, match="for-each key 'name' is a message placeholder"):
        load_rule_file(write(tmp_path, text))


def test_new_fact_kinds_and_possible(tmp_path):
    text = """\
    rules:
      - id: dead
        severity: warning
        message: "{location}: {blocker}"
        facts:
          block:
            guard: {symbols: {regex: 'X86_\\w+'}}
          sel:
            kconfig: {select: {regex: '.*'}, paths: ["arch/{arch}/Kconfig"]}
          flags:
            c: {names: {regex: '__HAVE_ARCH_\\w+'}, kinds: [macro]}
        check:
          possible: block
    """
    (rule,) = load_rule_file(write(tmp_path, text))
    assert rule.facts["block"] == GuardFactSpec(("arch/{arch}/**",), r"X86_\w+")
    assert rule.facts["sel"] == KconfigFactSpec("select", None, ".*", ("arch/{arch}/Kconfig",))
    assert rule.facts["flags"].wants("__HAVE_ARCH_MEMCPY")
    assert not rule.facts["flags"].wants("x__HAVE_ARCH_MEMCPY")
    assert rule.check == Possible("block")


def test_a_bad_regex_names_the_line(tmp_path):
    text = FAMILY.replace("{sym}", "x").replace('names: ["arch_{fn}"]', "names: {regex: '('}")
    with pytest.raises(RuleError, match="bad regex") as e:
        load_rule_file(write(tmp_path, text))
    assert e.value.line == 11


def test_call_and_reference_kinds_and_asm_generic(tmp_path):
    text = GOOD.replace(
        "          names: [foo]",
        "          names: {regex: 'arch_(?P<x>\\w+)'}\n"
        "          kinds: [call, reference]\n"
        "          asm-generic: true",
    ).replace("!HAVE_FOO", "!HAVE_{x|upper}")
    (rule,) = load_rule_file(write(tmp_path, text))
    spec = rule.facts["impl"]
    assert spec == CFactSpec(
        (), ("call", "reference"), ("arch/{arch}/**",), r"arch_(?P<x>\w+)", False, True
    )
    assert rule.captures == ("x",)
    # Without them: definitions only, and the arch's own files only.
    (plain,) = load_rule_file(write(tmp_path, GOOD))
    assert plain.facts["impl"].kinds == ("function", "prototype", "macro")
    assert plain.facts["impl"].asm_generic is False
