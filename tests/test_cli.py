import json
import shutil
import tempfile
from pathlib import Path

import pytest

from kconsist.kconfig.load import load_kconfig
from kconsist.main import main
from kconsist.tree import KernelTree

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "examples/pt-reclaim-v3"
V4 = ROOT / "examples/pt-reclaim-v4"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_audit_v3_reports_powerpc_and_sparc(capsys):
    code, out, err = run(capsys, "audit", str(V3))
    assert code == 1, err
    findings = [line for line in out.splitlines() if ": error: [" in line]
    # One finding per site: each of powerpc's removers, and sparc64's.
    assert [line.split(": error:")[0] for line in findings] == [
        "arch/powerpc/include/asm/book3s/32/pgalloc.h:11",
        "arch/powerpc/include/asm/book3s/64/pgalloc.h:7",
        "arch/powerpc/include/asm/nohash/pgalloc.h:11",
        "arch/powerpc/mm/book3s64/pgtable.c:5",
        "arch/sparc/include/asm/pgalloc_64.h:10",
    ]
    assert [findings[0], findings[-1]] == [
        "arch/powerpc/include/asm/book3s/32/pgalloc.h:11: error: [pt-reclaim-custom-remover] "
        "powerpc: PT_RECLAIM can be enabled while the arch's own __tlb_remove_table() "
        "(arch/powerpc/include/asm/book3s/32/pgalloc.h:11, compiled when "
        "!PPC64 && PPC_BOOK3S) is in use: PT_RECLAIM=y PPC64=n PPC_BOOK3S=y",
        "arch/sparc/include/asm/pgalloc_64.h:10: error: [pt-reclaim-custom-remover] "
        "sparc: PT_RECLAIM can be enabled while the arch's own __tlb_remove_table() "
        "(arch/sparc/include/asm/pgalloc_64.h:10, compiled when SMP && 64BIT) is in use: "
        "ARCH=sparc64 PT_RECLAIM=y SMP=y",
    ]
    assert (
        "note: 23 rules skipped, e.g. [arch-has-set-direct-map-unselected]: Kconfig symbol "
        "ARCH_HAS_SET_DIRECT_MAP is not defined in this tree (--format json lists them all)"
        in out
    )
    assert out.splitlines()[-1].startswith("kconsist: 5 findings (5 errors, 0 warnings)")


def test_audit_v4_is_clean(capsys):
    code, out, _ = run(capsys, "audit", str(V4))
    assert code == 0, out
    assert out.splitlines() == [
        "note: 20 rules skipped, e.g. [arch-has-set-direct-map-unselected]: Kconfig symbol "
        "ARCH_HAS_SET_DIRECT_MAP is not defined in this tree (--format json lists them all)",
        "kconsist: 0 findings (0 errors, 0 warnings), 0 input errors, 20 rules skipped, "
        "45 rules on 3 arches",
    ]


def test_audit_json_and_arch_filter(capsys):
    code, out, _ = run(capsys, "audit", str(V3), "--arch", "sparc", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["arches"] == ["sparc"]
    assert [(f["rule"], f["arch"], f["file"], f["line"]) for f in data["findings"]] == [
        ("pt-reclaim-custom-remover", "sparc", "arch/sparc/include/asm/pgalloc_64.h", 10)
    ]
    assert data["findings"][0]["counterexample"] == {
        "ARCH": "sparc64",
        "PT_RECLAIM": "y",
        "SMP": "y",
    }
    assert data["errors"] == []
    assert {s["rule"] for s in data["skipped"] if s["rule"].startswith("tlb-")} == {
        "tlb-remove-table-kconfig",
        "tlb-remove-table-stale-select",
        "tlb-remove-table-legacy-macro",
    }
    assert len(data["skipped"]) == 23  # and the arch-override pack (20 rules)


def test_rule_filter(capsys):
    code, out, _ = run(capsys, "audit", str(V3), "--rule", "tlb-remove-table-kconfig")
    assert code == 0
    assert "1 rule skipped, 1 rules on 3 arches" in out


@pytest.mark.parametrize(
    "argv,message",
    [
        (["audit", "/nonexistent-kconsist"], "/nonexistent-kconsist: not a directory"),
        (
            ["audit", str(ROOT / "kconsist")],
            "not a kernel source tree (missing Makefile, Kconfig, arch)",
        ),
        (["audit", str(V3), "--arch", "vax"], "no arch vax in"),
        (["audit", str(V3), "--rule", "nope"], "unknown rule id: nope"),
        (["audit", str(V3), "--rules", "/nonexistent.yaml"], "no such rule file"),
    ],
)
def test_usage_errors_exit_2_without_traceback(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == ""


def test_broken_rule_file_names_file_and_line(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rules:\n  - id: x\n    severity: error\n    mesage: hi\n    check: {forbid: a}\n"
    )
    code, _, err = run(capsys, "audit", str(V4), "--rules", str(bad))
    assert code == 2
    assert f"{bad}:4: unknown key 'mesage'" in err


def test_broken_kconfig_is_an_input_error_other_arches_checked(capsys, tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(V3, tree)
    kconfig = tree / "arch/x86/Kconfig"
    kconfig.write_text(kconfig.read_text() + '\nconfig BROKEN\n\tbool "oops\n\tdepends on (\n')
    code, out, _ = run(capsys, "audit", str(tree), "--format", "json")
    data = json.loads(out)
    assert code == 2
    assert data["arches"] == ["powerpc", "sparc"]
    (error,) = data["errors"]
    assert error["file"] == "arch/x86/Kconfig" and error["arch"] == "x86"
    assert error["line"] == 25  # the unterminated string
    assert {f["arch"] for f in data["findings"]} == {"powerpc", "sparc"}


def test_audit_never_modifies_the_tree(capsys, tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(V3, tree)
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    run(capsys, "audit", str(tree))
    after = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    assert before == after


def test_test_rules_command(capsys):
    code, out, _ = run(capsys, "test-rules")
    assert code == 0, out
    assert out.splitlines()[-1].endswith(" passed, 0 failed")


def test_shell_in_an_audited_kconfig_never_runs(capsys, tmp_path):
    """Kconfig preprocessor calls of the audited tree are answered, never executed."""
    tree = tmp_path / "tree"
    shutil.copytree(V4, tree)
    marker = tmp_path / "pwned"
    kconfig = tree / "arch/x86/Kconfig"
    kconfig.write_text(
        kconfig.read_text()
        + f"\nconfig PLANTED\n\tdef_bool $(shell,touch {marker}; echo y)\n"
        + 'if-success = $(shell,{ $(1); } >/dev/null 2>&1 && echo "$(2)" || echo "$(3)")\n'
        + "success = $(if-success,$(1),y,n)\n"
        + f"\nconfig PLANTED_PROBE\n\tdef_bool $(success,touch {marker})\n"
    )
    code, out, _ = run(capsys, "audit", str(tree))
    assert code == 0, out
    assert not marker.exists()
    kernel = KernelTree.open(tree)
    kconf = load_kconfig(kernel, kernel.arch_env("x86"))
    # echo is interpreted, touch is not run: the probe reads as failed.
    assert kconf.syms["PLANTED"].str_value == "y"
    assert kconf.syms["PLANTED_PROBE"].str_value == "n"
    assert not marker.exists()


def test_internal_errors_are_one_line_naming_the_log(capsys, monkeypatch, tmp_path):
    def boom(*_args, **_kwargs):
        raise RuntimeError("kaput")

    monkeypatch.setattr("kconsist.engine.audit", boom)
    monkeypatch.setenv("KCONSIST_CACHE_DIR", str(tmp_path / "cache"))
    code, out, err = run(capsys, "audit", str(V4))
    log = tmp_path / "cache" / "kconsist.log"
    assert (code, out) == (2, "")
    assert err == f"kconsist: internal error: RuntimeError: kaput (traceback in {log})\n"
    text = log.read_text()
    assert f"command: kconsist audit {V4}" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError: kaput" in text


def test_internal_error_log_falls_back_to_a_temporary_file(capsys, monkeypatch, tmp_path):
    def boom(*_args, **_kwargs):
        raise RuntimeError("kaput")

    monkeypatch.setattr("kconsist.engine.audit", boom)
    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where the cache directory should be: unwritable
    monkeypatch.setenv("KCONSIST_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    code, _, err = run(capsys, "audit", str(V4))
    assert code == 2 and len(err.splitlines()) == 1
    log = Path(err.split("(traceback in ")[1].rstrip(")\n"))
    assert log.parent == tmp_path and "RuntimeError: kaput" in log.read_text()
    monkeypatch.setenv("KCONSIST_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["audit", str(V4)])


def test_a_rule_symbol_no_kconfig_defines_exits_2_naming_the_rule_line(capsys, tmp_path):
    rules = tmp_path / "typo.yaml"
    rules.write_text(
        "rules:\n"
        "  - id: typo\n"
        "    severity: error\n"
        '    message: "{arch}: {name}"\n'
        "    facts:\n"
        "      remover:\n"
        "        c: {names: [__tlb_remove_table]}\n"
        "    check:\n"
        "      never: $remover && !HAVE_ARCH_TLB_REMOVE_TABLEE\n"
    )
    code, out, err = run(capsys, "audit", str(V4), "--rules", str(rules))
    assert code == 2, err
    assert out.splitlines()[0] == (
        f"{rules}:9: input error: rule 'typo' names Kconfig symbol HAVE_ARCH_TLB_REMOVE_TABLEE,"
        " which no Kconfig file of this tree defines (list it under 'requires: symbols' if that"
        " is expected)"
    )
    assert "Traceback" not in err
