"""Adoption: inline suppressions, baselines and SARIF metadata, on the v3 example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kconsist import baseline, engine, report, suppress
from kconsist.main import main
from kconsist.rulelang import load_rules
from kconsist.ruletest import example_tree

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "examples/pt-reclaim-v3"
SPARC = "arch/sparc/include/asm/pgalloc_64.h"
RULES = [r for r in load_rules() if r.id == "pt-reclaim-custom-remover"]


def _sparc_with(prefix: str):
    tree = example_tree(V3)
    lines = tree.read_text(SPARC).splitlines(keepends=True)
    site = next(i for i, line in enumerate(lines) if "__tlb_remove_table(" in line)
    lines.insert(site, prefix)
    return tree.with_overlay({SPARC: "".join(lines)})


@pytest.mark.parametrize(
    "comment",
    [
        "/* kconsist-ignore: pt-reclaim-custom-remover sun4v frees its own way */\n",
        "// kconsist-ignore: pt-reclaim-custom-remover sun4v frees its own way\n",
        "/*\n * kconsist-ignore: pt-reclaim-custom-remover sun4v frees its own way\n */\n",
    ],
)
def test_a_comment_above_suppresses_with_its_reason(comment: str) -> None:
    result = engine.audit(_sparc_with(comment), RULES, ["sparc"])
    assert result.findings == []
    assert [(f.file, f.suppressed) for f in result.suppressed] == [
        (SPARC, "sun4v frees its own way")
    ]
    assert result.exit_code() == 0


@pytest.mark.parametrize(
    "comment",
    [
        "/* kconsist-ignore: tlb-remove-table-kconfig another rule */\n",
        "/* kconsist-ignore: pt-reclaim-custom-remover */\nint unrelated;\n",  # not adjacent
        "int x; /* kconsist-ignore-me: pt-reclaim-custom-remover */\n",
        'char *s = "kconsist-ignore: pt-reclaim-custom-remover";\n',  # not a comment
    ],
)
def test_only_a_comment_for_this_rule_at_the_site_suppresses(comment: str) -> None:
    result = engine.audit(_sparc_with(comment), RULES, ["sparc"])
    assert [f.file for f in result.findings] == [SPARC]
    assert result.suppressed == []


def test_suppressed_findings_stay_visible_in_json_and_sarif() -> None:
    comment = "/* kconsist-ignore: pt-reclaim-custom-remover known */\n"
    result = engine.audit(_sparc_with(comment), RULES, ["sparc"])
    data = json.loads(report.render(result, "json"))
    assert data["findings"] == []
    assert [(f["rule"], f["reason"]) for f in data["suppressed"]] == [
        ("pt-reclaim-custom-remover", "known")
    ]
    (res,) = json.loads(report.render(result, "sarif"))["runs"][0]["results"]
    assert res["suppressions"] == [{"kind": "inSource", "justification": "known"}]
    assert (
        report.render(result, "text")
        .splitlines()[-1]
        .startswith("kconsist: 0 findings (0 errors, 0 warnings), 1 suppressed,")
    )


def test_kconfig_comment_suppresses_a_select_site() -> None:
    lines = ["config A\n", "\t# kconsist-ignore: r-x wanted\n", "\tselect B\n"]
    assert suppress.suppression([line.rstrip("\n") for line in lines], 3, "r-x") == "wanted"
    assert suppress.suppression([line.rstrip("\n") for line in lines], 3, "r-y") is None


def test_baseline_hides_known_findings_only(tmp_path: Path, capsys) -> None:
    known = tmp_path / "baseline.json"
    assert main(["audit", str(V3), "--write-baseline", str(known)]) == 0
    entries = json.loads(known.read_text())["findings"]
    assert len(entries) == 5 and all("line" not in e for e in entries)
    assert main(["audit", str(V3), "--baseline", str(known)]) == 0
    assert "0 findings (0 errors, 0 warnings), 5 in the baseline" in capsys.readouterr().out
    # One entry fewer: that finding is new again.
    json.dump({"kconsist-baseline": 1, "findings": entries[1:]}, known.open("w"))
    assert main(["audit", str(V3), "--baseline", str(known)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": error:")[0] for line in out if ": error:" in line] == [
        f"{entries[0]['file']}:11"
    ]


def test_identical_sites_are_counted(tmp_path: Path) -> None:
    result = engine.audit(example_tree(V3), RULES, ["sparc"])
    known = baseline.read(_written(tmp_path, result))
    doubled = type(result)(findings=result.findings * 2)
    assert len(baseline.apply(doubled, known).findings) == len(result.findings)


def _written(tmp_path: Path, result) -> Path:
    path = tmp_path / "b.json"
    baseline.write(result, path)
    return path


@pytest.mark.parametrize(
    "text,where",
    [
        ('{"kconsist-baseline": 1,\n "findings": [}', ":2: baseline is not JSON"),
        ('{"findings": []}', ":1: not a kconsist baseline"),
        ('{"kconsist-baseline": 1, "findings": [{"rule": 1}]}', ": 'findings' must be"),
    ],
)
def test_a_bad_baseline_is_an_input_error(tmp_path: Path, capsys, text: str, where: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    assert main(["audit", str(V3), "--baseline", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kconsist: error: {bad}{where}") and "Traceback" not in err


def test_sarif_has_rule_metadata_and_stable_fingerprints() -> None:
    tree = example_tree(V3)
    doc = json.loads(report.render(engine.audit(tree, load_rules(), ["sparc"]), "sarif"))
    run = doc["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    meta = rules["pt-reclaim-custom-remover"]
    assert meta["defaultConfiguration"] == {"level": "error"}
    assert meta["shortDescription"]["text"].startswith("PT_RECLAIM frees page tables")
    assert "tlb-remove-table.yaml" in meta["help"]["text"]
    (res,) = run["results"]
    # Lines added above the site move it, but keep its fingerprint.
    moved = tree.with_overlay({SPARC: "\n\n" + tree.read_text(SPARC)})
    again = json.loads(report.render(engine.audit(moved, load_rules(), ["sparc"]), "sarif"))
    (res2,) = again["runs"][0]["results"]
    assert res2["locations"] != res["locations"]
    assert res2["partialFingerprints"] == res["partialFingerprints"]
