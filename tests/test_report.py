import json

from kconsist.cond import Sym
from kconsist.findings import AuditResult, Finding, InputError, Skipped
from kconsist.report import audit as report


def sample() -> AuditResult:
    return AuditResult(
        findings=[
            Finding(
                "r-one",
                "sparc",
                "error",
                "arch/sparc/a.h",
                12,
                "boom",
                {"ARCH": "sparc64", "SMP": "y"},
                Sym("SMP"),
                (),
            ),
            Finding("r-two", "x86", "warning", "arch/x86/Kconfig", 3, "hmm"),
        ],
        errors=[InputError("arch/um/Kconfig", 7, "syntax error", "um")],
        skipped=[Skipped("r-three", "Kconfig symbol FOO is not defined in this tree", ("x86",))],
        arches=["sparc", "x86"],
        rules=["r-one", "r-two", "r-three"],
    )


def test_text_lines():
    lines = report.text(sample()).splitlines()
    assert lines[0] == "arch/sparc/a.h:12: error: [r-one] boom"
    assert lines[1] == "arch/x86/Kconfig:3: warning: [r-two] hmm"
    assert lines[2] == "arch/um/Kconfig:7: input error: syntax error (arch um)"
    assert (
        lines[3] == "note: [r-three] skipped on x86: Kconfig symbol FOO is not defined in this tree"
    )
    assert lines[4].startswith("kconsist: 2 findings (1 errors, 1 warnings), 1 input error,")


def test_json_is_stable():
    data = json.loads(report.as_json(sample()))
    assert set(data) == {
        "version",
        "findings",
        "errors",
        "skipped",
        "arches",
        "rules",
        "suppressed",
        "baselined",
    }
    first = data["findings"][0]
    assert {k: first[k] for k in ("rule", "arch", "severity", "file", "line", "message")} == {
        "rule": "r-one",
        "arch": "sparc",
        "severity": "error",
        "file": "arch/sparc/a.h",
        "line": 12,
        "message": "boom",
    }
    assert first["counterexample"] == {"ARCH": "sparc64", "SMP": "y"}
    assert data["errors"] == [
        {"file": "arch/um/Kconfig", "line": 7, "message": "syntax error", "arch": "um"}
    ]
    assert data["skipped"][0]["arches"] == ["x86"]


def test_sarif_shape():
    data = json.loads(report.sarif(sample()))
    run = data["runs"][0]
    assert data["version"] == "2.1.0"
    assert [r["ruleId"] for r in run["results"]] == ["r-one", "r-two"]
    loc = run["results"][0]["locations"][0]["physicalLocation"]
    assert loc == {
        "artifactLocation": {"uri": "arch/sparc/a.h", "uriBaseId": "SRCROOT"},
        "region": {"startLine": 12},
    }
    assert run["results"][1]["level"] == "warning"
    assert run["invocations"][0]["executionSuccessful"] is False


def test_checkpatch_shape():
    out = report.checkpatch(sample())
    assert "ERROR: KCONSIST_R_ONE: boom\n#: FILE: arch/sparc/a.h:12:\n" in out
    assert "WARNING: KCONSIST_R_TWO: hmm\n#: FILE: arch/x86/Kconfig:3:\n" in out
    assert out.rstrip().endswith("total: 2 errors, 1 warnings")


def test_exit_codes():
    assert AuditResult().exit_code() == 0
    assert AuditResult(findings=sample().findings).exit_code() == 1
    assert sample().exit_code() == 2
