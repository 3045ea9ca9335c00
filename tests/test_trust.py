"""Bounded work and paths kept inside the tree (issue 11, items 2, 3 and 7): each hostile
input of the issue, through the command line, ends in one input error naming the file."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kconsist.cfacts import scan_text, syntax
from kconsist.main import main
from kconsist.tree import DEFAULT_MAX_FILE_SIZE, KernelTree, TreeError, parse_size

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "examples/pt-reclaim-v3"
TLB_RULES = ROOT / "rules/tlb-remove-table.yaml"
ASM = "arch/x86/include/asm"
REMOVER = "static inline void __tlb_remove_table(void *table) { }\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(V3, root)
    return root


def audit_x86(tree: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, so that a hang fails the test instead of stalling it."""
    argv = ["audit", str(tree), "--arch", "x86", "--rules", str(TLB_RULES), "-j", "1", *extra]
    return subprocess.run(
        [sys.executable, "-m", "kconsist", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "KCONSIST_MAX_FILE_SIZE": ""},
    )


def input_errors(out: str) -> list[str]:
    return [line for line in out.splitlines() if ": input error: " in line]


def test_a_fifo_among_the_headers_is_reported_not_opened(tree):
    os.mkfifo(tree / ASM / "fifo.h")
    done = audit_x86(tree)
    assert done.returncode == 2, done.stderr
    assert input_errors(done.stdout) == [
        f"{ASM}/fifo.h: input error: not a regular file (a FIFO): not read (arch x86)"
    ]


def test_a_socket_and_a_device_are_reported(tree):
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(tree / ASM / "sock.h"))
        kernel = KernelTree.open(tree)
        with pytest.raises(TreeError, match=r"not a regular file \(a socket\)"):
            kernel.read_text(f"{ASM}/sock.h")
    if os.geteuid() == 0:
        os.mknod(tree / ASM / "null.h", 0o600 | 0o020000, os.makedev(1, 3))
        with pytest.raises(TreeError, match=r"not a regular file \(a character device\)"):
            kernel.read_text(f"{ASM}/null.h")


def test_a_header_linked_to_dev_zero_is_reported(tree):
    (tree / ASM / "zero.h").symlink_to("/dev/zero")
    done = audit_x86(tree)
    assert done.returncode == 2, done.stderr
    assert input_errors(done.stdout) == [
        f"{ASM}/zero.h: input error: a symbolic link to /dev/zero, outside the tree: "
        "not read (arch x86)"
    ]


def test_a_header_linked_to_etc_passwd_is_never_read(tree, tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text(REMOVER)  # would be a finding, were it read
    (tree / ASM / "passwd.h").symlink_to(secret)
    done = audit_x86(tree)
    assert done.returncode == 2, done.stderr
    assert input_errors(done.stdout) == [
        f"{ASM}/passwd.h: input error: a symbolic link to {secret}, outside the tree: "
        "not read (arch x86)"
    ]
    assert "error: [" not in done.stdout  # nothing found in it
    kernel = KernelTree.open(tree)
    with pytest.raises(TreeError, match="outside the tree"):
        kernel.read_text(f"{ASM}/passwd.h")
    assert kernel.mentions(f"{ASM}/passwd.h", "__tlb_remove_table")  # "ask read_text"


def test_links_inside_the_tree_are_followed(tree):
    (tree / ASM / "own.h").write_text(REMOVER)
    (tree / ASM / "alias.h").symlink_to("own.h")
    done = audit_x86(tree)
    assert done.returncode == 1, done.stdout + done.stderr
    sites = [line.split(": error:")[0] for line in done.stdout.splitlines() if ": error: [" in line]
    assert sites == [f"{ASM}/alias.h:1", f"{ASM}/own.h:1"]


def test_paths_that_leave_the_tree_are_refused():
    kernel = KernelTree.open(V3)
    for rel in ("../../etc/passwd", "/etc/passwd", "arch/../../x"):
        with pytest.raises(TreeError, match="path outside the tree"):
            kernel.read_text(rel)
        with pytest.raises(TreeError, match="path outside the tree"):
            list(kernel.files(rel))
        assert not kernel.exists(rel)


def test_a_header_over_the_size_limit_is_reported_not_parsed(tree):
    # Just over the default limit, on one line: refused before anything reads it.
    big = tree / ASM / "big.h"
    big.write_text(" " * DEFAULT_MAX_FILE_SIZE + REMOVER)
    done = audit_x86(tree)
    assert done.returncode == 2, done.stderr
    assert input_errors(done.stdout) == [
        f"{ASM}/big.h: input error: larger than the limit of {DEFAULT_MAX_FILE_SIZE} bytes: "
        "not read (--max-file-size, $KCONSIST_MAX_FILE_SIZE) (arch x86)"
    ]


def test_the_size_limit_is_configurable(tree, capsys):
    (tree / ASM / "own.h").write_text(REMOVER + " " * 2000)
    argv = ["audit", str(tree), "--arch", "x86", "--rules", str(TLB_RULES), "-j", "1"]
    assert main([*argv, "--max-file-size", "1K"]) == 2
    out = capsys.readouterr().out
    assert f"{ASM}/own.h: input error: larger than the limit of 1024 bytes" in out
    assert main([*argv, "--max-file-size", "1M"]) == 1
    capsys.readouterr()
    assert [parse_size(s) for s in ("1000", "4K", "8M", "1G", "2MiB")] == [
        1000,
        4096,
        8 << 20,
        1 << 30,
        2 << 20,
    ]
    with pytest.raises(ValueError, match="not a size"):
        parse_size("8X")


def _classifier_work(text: str, monkeypatch) -> int:
    """Characters the line classifier reads before names (the part that was quadratic)."""
    seen = [0]
    real = syntax._type_like

    def counting(prefix: str, strict: bool = False) -> bool:
        seen[0] += len(prefix)
        return real(prefix, strict)

    monkeypatch.setattr(syntax, "_type_like", counting)
    scan_text(text, "big.h", ["__tlb_remove_table"])
    return seen[0]


def test_a_one_line_header_is_scanned_in_linear_work(monkeypatch):
    # Garbage tree-sitter cannot parse, one line, the name again and again: before,
    # each occurrence reread the whole line before it (329 s for 20 MB).
    unit = "__tlb_remove_table ( ) } { ; #x "
    small = _classifier_work(unit * 2000, monkeypatch)
    large = _classifier_work(unit * 8000, monkeypatch)
    assert small > 0 and large <= 4 * small + 100


def test_deeply_nested_code_is_scanned_without_crashing():
    # 20000 levels of parentheses crashed tree-sitter's parent lookup (a segfault).
    text = "__tlb_remove_table" + "(" * 20000 + ")" * 20000 + "\n" + REMOVER
    facts = scan_text(text, "deep.h", ["__tlb_remove_table"]).facts
    assert [(f.kind, f.line) for f in facts] == [("function", 2)]


def test_deep_if_expressions_and_nesting_are_bounded():
    deep = "#if " + "(" * 3000 + "1" + ")" * 3000 + "\n" + REMOVER + "#endif\n"
    assert [f.line for f in scan_text(deep, "a.h", ["__tlb_remove_table"]).facts] == [2]
    nested = "#ifdef A\n" * 100 + REMOVER + "#endif\n" * 100
    result = scan_text(nested, "b.h", ["__tlb_remove_table"])
    assert [f.line for f in result.facts] == [101]
    assert result.problems == [("b.h", 65, "#if nested deeper than 64 levels")]


def test_a_parse_over_the_time_budget_is_reported(monkeypatch):
    monkeypatch.setattr(syntax, "PARSE_BUDGET", -1.0)  # already over
    # (tree-sitter asks whether to go on after some tokens: give it a few lines)
    result = scan_text("int x;\n" * 10 + REMOVER, "slow.h", ["__tlb_remove_table"])
    assert result.problems == [("slow.h", 1, "not parsed within -1 s: read by the line scan only")]
    assert [(f.kind, f.via) for f in result.facts] == [("function", "scan")]


@pytest.mark.parametrize(
    "path,why",
    [("../../**", "has a '..' component"), ("/etc/**", "is absolute")],
)
def test_rule_paths_outside_the_tree_are_refused_at_load(capsys, tmp_path, path, why):
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "rules:\n"
        "  - id: outside\n"
        "    severity: error\n"
        "    message: m\n"
        "    facts:\n"
        "      f:\n"
        "        c:\n"
        "          names: [__tlb_remove_table]\n"
        f'          paths: ["arch/{{arch}}/**", "{path}"]\n'
        "    check:\n"
        "      forbid: f\n"
    )
    assert main(["audit", str(V3), "--rules", str(rules)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"kconsist: error: {rules}:9: path {path!r} {why}: paths are globs inside the tree\n"
    )


def test_a_kconfig_source_outside_the_tree_is_refused(tree, capsys):
    with (tree / "Kconfig").open("a") as f:
        f.write('source "' + "../" * 30 + 'etc/passwd"\n')
    assert main(["audit", str(tree), "--arch", "x86", "-j", "1"]) == 2
    out = capsys.readouterr().out
    assert input_errors(out) == [
        "Kconfig:7: input error: '/etc/passwd' is outside the kernel tree (arch x86)"
    ]


@pytest.mark.parametrize(
    "opening,keyword",
    [("if MMU", "if"), ('menu "More"', "menu"), ('choice\n\tprompt "One"', "choice")],
)
def test_an_unclosed_block_names_the_line_that_opened_it(tree, capsys, opening, keyword):
    kconfig = tree / "mm/Kconfig"
    line = len(kconfig.read_text().splitlines()) + 1
    with kconfig.open("a") as f:
        f.write(f'{opening}\nconfig EXTRA\n\tbool "extra"\n')
    assert main(["audit", str(tree), "--arch", "x86", "-j", "1"]) == 2
    out = capsys.readouterr().out
    assert input_errors(out) == [
        f"mm/Kconfig:{line}: input error: '{keyword}' without 'end{keyword}' before the end "
        "of mm/Kconfig (arch x86)"
    ]


@pytest.mark.parametrize(
    "extra",
    [
        "if MMU\n" * 3000 + "config DEEP\n\tbool\n" + "endif\n" * 3000,
        "config DEEP\n\tbool\n\tdepends on " + "(" * 3000 + "MMU" + ")" * 3000 + "\n",
        "config DEEP\n\tbool\n\tdepends on " + " && ".join(["MMU"] * 5000) + "\n",
    ],
    ids=["ifs", "parentheses", "chain"],
)
def test_kconfig_nested_thousands_deep_is_an_input_error(tree, capsys, extra):
    kconfig = tree / "mm/Kconfig"
    first = len(kconfig.read_text().splitlines()) + 1
    kconfig.write_text(kconfig.read_text() + extra)
    assert main(["audit", str(tree), "--arch", "x86", "-j", "1"]) == 2
    (error,) = input_errors(capsys.readouterr().out)
    where, message = error.split(": input error: ")
    assert message == "nested too deeply to read (arch x86)"
    assert where.startswith("mm/Kconfig:") and int(where.split(":")[1]) >= first


def test_a_type_after_menu_is_a_parse_error(tree, capsys):
    kconfig = tree / "mm/Kconfig"
    line = len(kconfig.read_text().splitlines()) + 2
    kconfig.write_text(kconfig.read_text() + 'menu "m"\n\tbool\nendmenu\n')
    assert main(["audit", str(tree), "--arch", "x86", "-j", "1"]) == 2
    assert input_errors(capsys.readouterr().out) == [
        f"mm/Kconfig:{line}: input error: couldn't parse 'bool': a type belongs to a config "
        "or a choice entry (arch x86)"
    ]


@pytest.mark.parametrize(
    "entry", ['menu "m"\n---help---\n  text\nendmenu\n', 'comment "c"\nhelp\n  text\n']
)
def test_help_after_menu_or_comment_is_a_parse_error(tree, capsys, entry):
    # Found by test_properties: kconfiglib crashed (AttributeError) on the menu's help.
    kconfig = tree / "mm/Kconfig"
    line = len(kconfig.read_text().splitlines()) + 2
    kconfig.write_text(kconfig.read_text() + entry)
    assert main(["audit", str(tree), "--arch", "x86", "-j", "1"]) == 2
    keyword = entry.splitlines()[1]
    assert input_errors(capsys.readouterr().out) == [
        f"mm/Kconfig:{line}: input error: couldn't parse '{keyword}': help belongs to a config "
        "or a choice entry (arch x86)"
    ]


def test_a_character_yaml_refuses_names_the_rule_file_and_line(capsys, tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - id: x\x1f\n")
    assert main(["audit", str(V3), "--rules", str(rules)]) == 2
    assert capsys.readouterr().err == (
        f"kconsist: error: {rules}:2: YAML syntax error: special characters are not allowed "
        "(character U+001F)\n"
    )
