"""The Kconfig preprocessor never runs a command; its answers follow the model table."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kconsist.kconfig import preprocess
from kconsist.kconfig.compat import KernelKconfig
from kconsist.kconfig.load import load_kconfig
from kconsist.tree import ArchEnv, KernelTree

ENV = {"CC": "gcc", "LD": "ld", "OBJCOPY": "objcopy", "NM": "nm", "CLANG_FLAGS": ""}


def load(root: Path, kconfig: str, env: dict[str, str] | None = None) -> KernelKconfig:
    (root / "Kconfig").write_text(kconfig)
    return load_kconfig(KernelTree(root.resolve()), ArchEnv("x86", env or ENV))


@pytest.mark.parametrize(
    ("command", "output"),
    [
        ("/src/scripts/cc-version.sh gcc", "GCC 140200"),
        ("/src/scripts/as-version.sh gcc ", "GNU 24200"),
        ("/src/scripts/ld-version.sh ld", "BFD 24200"),
        ("/src/scripts/rustc-version.sh rustc", "0"),
        ("set -- GCC 140200 && echo $1", "GCC"),
        ("set -- GCC 140200 && echo $2", "140200"),
        ("expr 140200 / 10000", "14"),
        ('{ command -v gcc; } >/dev/null 2>&1 && echo "n" || echo "y"', "n"),
        ('{ command -v clang; } >/dev/null 2>&1 && echo "n" || echo "y"', "y"),
        ('{ test -z ""; } >/dev/null 2>&1 && echo "y" || echo "n"', "y"),
        ('{ test "GCC" = GCC; } >/dev/null 2>&1 && echo "y" || echo "n"', "y"),
        ('{ test "GCC" = Clang; } >/dev/null 2>&1 && echo "y" || echo "n"', "n"),
        ('{ test 24200 -ge 23500; } >/dev/null 2>&1 && echo "y" || echo "n"', "y"),
        ('{ test 24200 -lt 23500; } >/dev/null 2>&1 && echo "y" || echo "n"', "n"),
        ('{ test -e /etc/passwd; } >/dev/null 2>&1 && echo "y" || echo "n"', "n"),
        ('{ gcc -Werror -mfoo -c -x c /dev/null; } >/dev/null 2>&1 && echo "y" || echo "n"', "n"),
        ('{ ld -v --no-such; } >/dev/null 2>&1 && echo "y" || echo "n"', "n"),
        (
            '{ objcopy --version | head -n1 | grep -qv llvm; } >/dev/null 2>&1 && echo "y"'
            ' || echo "n"',
            "y",
        ),
        ('{ nm --help | head -n 1 | grep -qi llvm; } >/dev/null 2>&1 && echo "y" || echo "n"', "n"),
        ("echo __XTENSA_EB__ | gcc -E -P -", ""),
        ("bindgen --version 2>/dev/null", ""),
        ("printf 'hello\\nworld\\n\\n4\\n\\n\\n'", "hello world  4"),
        ("false || echo fallback", "fallback"),
        ("true && echo a; echo b", "a b"),
    ],
)
def test_model_answers(command: str, output: str) -> None:
    assert preprocess.evaluate(command) == output


def test_commands_from_the_tree_never_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a command was run")

    for name in ("Popen", "run", "call", "check_call", "check_output"):
        monkeypatch.setattr(subprocess, name, forbidden)
    monkeypatch.setattr(os, "system", forbidden)
    monkeypatch.setattr(os, "popen", forbidden)
    markers = [tmp_path / f"marker-{i}" for i in range(3)]
    tree = tmp_path / "tree"
    tree.mkdir()
    kconf = load(
        tree,
        f"""\
success = $(shell,{{ $(1); }} >/dev/null 2>&1 && echo "y" || echo "n")
ran := $(shell,touch {markers[0]} && echo ran)
config A
	def_bool $(success,touch {markers[1]})
config B
	string
	default "$(ran)$(shell,touch {markers[2]}; echo x)"
""",
    )
    assert not any(marker.exists() for marker in markers)
    assert kconf.syms["A"].str_value == "n"
    # touch "fails" (never runs): `&& echo ran` is skipped, `; echo x` is not
    assert kconf.syms["B"].str_value == "x"
    assert [call.line for call in kconf.shell_calls] == [2, 4, 7]


def test_kconfig_include_macros(tmp_path: Path) -> None:
    include = """\
if-success = $(shell,{ $(1); } >/dev/null 2>&1 && echo "$(2)" || echo "$(3)")
success = $(if-success,$(1),y,n)
cc-option = $(success,$(CC) -Werror $(CLANG_FLAGS) $(1) -c -x c /dev/null -o /dev/null)
cc-info := $(shell,$(srctree)/scripts/cc-version.sh $(CC))
cc-name := $(shell,set -- $(cc-info) && echo $1)
cc-version := $(shell,set -- $(cc-info) && echo $2)
"""
    kconf = load(
        tmp_path,
        include
        + """
config CC_IS_GCC
	def_bool $(success,test "$(cc-name)" = GCC)
config GCC_VERSION
	int
	default $(cc-version) if CC_IS_GCC
	default 0
config CC_HAS_FOO
	def_bool $(cc-option,-mfoo)
""",
    )
    values = {name: kconf.syms[name].str_value for name in ("CC_IS_GCC", "GCC_VERSION")}
    assert values == {"CC_IS_GCC": "y", "GCC_VERSION": "140200"}
    assert kconf.syms["CC_HAS_FOO"].str_value == "n"


def test_info_is_not_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kconf = load(tmp_path, "$(info,hello)\nconfig A\n\tbool\n")
    assert capsys.readouterr().out == ""
    assert kconf.warnings == ["Kconfig:1: info: hello"]


def test_user_function_modules_are_not_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = tmp_path / "evilfunctions.py"
    module.write_text("raise AssertionError('imported')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    tree = tmp_path / "tree"
    tree.mkdir()
    kconf = load(tree, "config A\n\tbool\n", {"KCONFIG_FUNCTIONS": "evilfunctions"})
    assert kconf.syms["A"].str_value == "n"


@pytest.mark.realtree
def test_kernel_oracle_builtin_func(newest_tree: KernelTree) -> None:
    directory = newest_tree.root / "scripts/kconfig/tests/preprocess/builtin_func"
    if not directory.is_dir():
        pytest.skip("no kernel tree with scripts/kconfig/tests")
    kconf = load_kconfig(KernelTree(directory.resolve()), ArchEnv("x86", {}))
    expected = (directory / "expected_stderr").read_text().splitlines()
    warnings = [w.replace(" warning: ", " ", 1) for w in kconf.warnings if "info:" not in w]
    assert warnings == expected
    assert kconf.warnings[0].endswith("info: hello world 0")
