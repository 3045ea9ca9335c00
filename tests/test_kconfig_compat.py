"""Current-kernel Kconfig constructs read by kconsist.kconfig.compat.

Expected values follow Documentation/kbuild/kconfig-language.rst and
scripts/kconfig/{parser.y,menu.c,expr.c,symbol.c} of Linux 7.3.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kconfiglib import expr_str
from kernel_trees import newest

from kconsist.kconfig.compat import KernelKconfig
from kconsist.kconfig.load import KconfigLoadError, load_kconfig
from kconsist.tree import ArchEnv, KernelTree

MODULES = """\
config MODULES
	bool "Enable loadable module support"
	modules
	default y
"""


def load(tmp_path: Path, kconfig: str) -> KernelKconfig:
    (tmp_path / "Kconfig").write_text(kconfig)
    tree = KernelTree(tmp_path.resolve())
    return load_kconfig(tree, ArchEnv("x86", {}))


def config_lines(kconf: KernelKconfig, path: Path) -> list[str]:
    kconf.write_config(str(path), header="")
    return [line for line in path.read_text().splitlines() if "CONFIG_" in line]


def test_bare_modules_attribute_is_option_modules(tmp_path: Path) -> None:
    kconf = load(tmp_path, MODULES + 'config FOO\n\ttristate "foo"\n\tdefault m\n')
    foo = kconf.syms["FOO"]
    assert kconf.modules is kconf.syms["MODULES"]
    assert foo.str_value == "m"
    kconf.syms["MODULES"].set_value("n")
    assert foo.str_value == "y"  # tristate becomes bool without modules: m -> y


TRANSITIONAL = (
    MODULES
    + """
config NEW_BOOL
	bool "New bool"
	default OLD_BOOL

config OLD_BOOL
	bool
	transitional
	help
		transitional
		depends on X if Y

config NEW_TRI
	tristate "New tristate"
	default OLD_TRI

config OLD_TRI
	tristate
	transitional

config NEW_INT
	int "New int"
	default OLD_INT

config OLD_INT
	int
	transitional
"""
)


def test_transitional_reads_old_value_and_is_never_written(tmp_path: Path) -> None:
    kconf = load(tmp_path, TRANSITIONAL)
    assert [s.name for s in kconf.transitional_syms] == ["OLD_BOOL", "OLD_TRI", "OLD_INT"]
    assert all(node.prompt is None for s in kconf.transitional_syms for node in s.nodes)
    help_text = kconf.syms["OLD_BOOL"].nodes[0].help
    assert help_text == "transitional\ndepends on X if Y"  # help text untouched
    old = tmp_path / "old.config"
    old.write_text("CONFIG_MODULES=y\nCONFIG_OLD_BOOL=y\nCONFIG_OLD_TRI=m\nCONFIG_OLD_INT=42\n")
    kconf.load_config(str(old))
    assert kconf.syms["NEW_BOOL"].str_value == "y"
    assert kconf.syms["NEW_TRI"].str_value == "m"
    assert kconf.syms["NEW_INT"].str_value == "42"
    lines = config_lines(kconf, tmp_path / "new.config")
    assert "CONFIG_NEW_BOOL=y" in lines
    assert "CONFIG_NEW_INT=42" in lines
    assert not [line for line in lines if "OLD_" in line]


def test_transitional_without_old_value_gives_defaults_n(tmp_path: Path) -> None:
    kconf = load(tmp_path, TRANSITIONAL)
    assert kconf.syms["NEW_BOOL"].str_value == "n"
    kconf.syms["OLD_BOOL"].set_value("y")  # set_value() must invalidate dependents
    assert kconf.syms["NEW_BOOL"].str_value == "y"


@pytest.mark.parametrize(
    ("prop", "line"),
    [("\tdefault y\n", 5), ('\tprompt "p"\n', 5), ("\tselect B\n", 5), ("\tdepends on B\n", 2)],
)
def test_transitional_with_other_property_is_an_error(tmp_path: Path, prop: str, line: int) -> None:
    # parser.y reports the property's line, or the entry's line for `depends on`.
    text = "\nconfig A\n\tbool\n\ttransitional\n" + prop + "\nconfig B\n\tbool\n"
    with pytest.raises(KconfigLoadError) as info:
        load(tmp_path, text)
    assert (info.value.file, info.value.line) == ("Kconfig", line)
    assert "transitional symbols can only have help sections" in info.value.message


CONDITIONAL = (
    MODULES
    + """
config FOO
	bool "FOO"

config BAR
	bool "BAR"

config BAZ
	tristate "BAZ"

config BASIC
	bool "basic"
	depends on FOO if BAR
	default y

config COMPLEX
	bool "complex"
	depends on (FOO && BAR) if (FOO || BAR)
	default y

config OPTIONAL
	tristate "optional"
	depends on BAZ if BAZ
	default y

config NEGATED
	tristate "negated"
	depends on FOO if !BAZ
	default y
"""
)


def test_conditional_depends_builds_the_c_expression(tmp_path: Path) -> None:
    kconf = load(tmp_path, CONDITIONAL)
    # menu.c menu_add_dep(): E || expr_trans_compare(C, E_EQUAL, n)
    assert expr_str(kconf.syms["BASIC"].direct_dep) == "FOO || BAR = n"
    complex_dep = expr_str(kconf.syms["COMPLEX"].direct_dep)
    assert complex_dep == "(FOO && BAR) || (FOO = n && BAR = n)"
    assert expr_str(kconf.syms["OPTIONAL"].direct_dep) == "BAZ || BAZ = n"
    # expr.c maps `!C = n` to `C != n`, exactly like the C tools.
    assert expr_str(kconf.syms["NEGATED"].direct_dep) == "FOO || BAZ != n"


@pytest.mark.parametrize(
    ("assign", "expected"),
    [
        ({"FOO": "y", "BAR": "y", "BAZ": "m"}, {"BASIC": "y", "COMPLEX": "y", "OPTIONAL": "m"}),
        ({"FOO": "n", "BAR": "y", "BAZ": "y"}, {"BASIC": "n", "COMPLEX": "n", "OPTIONAL": "y"}),
        ({"FOO": "n", "BAR": "n", "BAZ": "n"}, {"BASIC": "y", "COMPLEX": "y", "OPTIONAL": "y"}),
    ],
)
def test_conditional_depends_values(
    tmp_path: Path, assign: dict[str, str], expected: dict[str, str]
) -> None:
    kconf = load(tmp_path, CONDITIONAL)
    for name, value in assign.items():
        kconf.syms[name].set_value(value)
    kconf.syms["OPTIONAL"].set_value("y")  # y is capped to m when BAZ=m
    assert {name: kconf.syms[name].str_value for name in expected} == expected


def test_strings_comments_and_lines_are_untouched(tmp_path: Path) -> None:
    kconf = load(
        tmp_path,
        MODULES
        + '\nconfig A\n\tstring "modules"\n\tdefault "depends on X if Y"  # transitional\n'
        + "\tdepends on B if C # modules\n",
    )
    sym = kconf.syms["A"]
    assert sym.nodes[0].prompt[0] == "modules"
    assert sym.nodes[0].linenr == 6
    assert sym.defaults[0][0].name == "depends on X if Y"
    assert kconf.transitional_syms == []
    assert expr_str(sym.direct_dep) == "B || C = n"


def _kernel_tests_dir() -> Path | None:
    tree = newest()
    for root in [tree.root] if tree else []:
        tests = root / "scripts/kconfig/tests"
        if (tests / "conditional_dep").is_dir() and (tests / "transitional").is_dir():
            return tests
    return None


def _oracle(name: str) -> tuple[KernelKconfig, Path]:
    tests = _kernel_tests_dir()
    if tests is None:
        pytest.skip("no kernel tree with scripts/kconfig/tests for 7.x")
    directory = tests / name
    tree = KernelTree(directory.resolve())  # read in place, never copied
    return load_kconfig(tree, ArchEnv("x86", {})), directory


def _settings(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if "CONFIG_" in line]


@pytest.mark.realtree
@pytest.mark.parametrize("case", ["1", "2", "3"])
def test_kernel_oracle_conditional_dep(tmp_path: Path, case: str) -> None:
    kconf, directory = _oracle("conditional_dep")
    kconf.load_config(str(directory / f"test_config{case}"))
    out = config_lines(kconf, tmp_path / ".config")
    assert out == _settings(directory / f"expected_config{case}")


@pytest.mark.realtree
def test_kernel_oracle_transitional(tmp_path: Path) -> None:
    kconf, directory = _oracle("transitional")
    kconf.load_config(str(directory / "initial_config"))
    out = config_lines(kconf, tmp_path / ".config")
    expected = _settings(directory / "expected_config")
    assert [line for line in expected if line not in out] == []
    assert not [line for line in out if "OLD_" in line]


@pytest.mark.realtree
def test_kernel_oracle_err_transitional_first_error() -> None:
    tests = _kernel_tests_dir()
    if tests is None:
        pytest.skip("no kernel tree with scripts/kconfig/tests for 7.x")
    tree = KernelTree((tests / "err_transitional").resolve())
    with pytest.raises(KconfigLoadError) as info:
        load_kconfig(tree, ArchEnv("x86", {}))
    # expected_stderr: the first error is "Kconfig:7: error: transitional symbols..."
    assert (info.value.file, info.value.line) == ("Kconfig", 7)


# -- evaluation: expected values are what scripts/kconfig/conf (7.3, built from the
# tree) wrote for this Kconfig with --alldefconfig / --olddefconfig.

EVALUATION = (
    MODULES
    + """
config MAXORD
	int

config ORDER
	int "order"
	range 1 10 if MAXORD = 0
	default 10 if MAXORD = 0
	range 1 MAXORD if MAXORD != 0
	default MAXORD if MAXORD != 0

config NOVAL
	int "no value"

config NOVALHEX
	hex "no value hex"

config DEP
	tristate "dep"
	default m

config IMPLIER
	bool "implier"
	default y
	imply CAPPED
	imply HIDDEN
	imply USERM

config CAPPED
	tristate "capped"
	depends on DEP

config HIDDEN
	bool
	depends on NEVER

config NEVER
	bool

config USERM
	tristate "user m"

config VIS_A
	bool "vis a"

choice
	prompt "pick"
	default C

config A
	bool "a"
	depends on VIS_A

config B
	bool "b"

config C
	bool "c"

endchoice
"""
)


def olddefconfig(tmp_path: Path, config: str) -> list[str]:
    """Load EVALUATION, read ``config`` as a .config, return the written settings."""
    kconf = load(tmp_path, EVALUATION)
    (tmp_path / "in.config").write_text(config)
    kconf.load_config(str(tmp_path / "in.config"))
    return config_lines(kconf, tmp_path / ".config")


def test_int_hex_without_value_is_zero(tmp_path: Path) -> None:
    out = olddefconfig(tmp_path, "")
    # MAXORD has no value: C reads "0", so `MAXORD = 0` holds (PAGE_BLOCK_MAX_ORDER).
    assert "CONFIG_ORDER=10" in out
    assert "CONFIG_NOVAL=0" in out
    assert "CONFIG_NOVALHEX=0x0" in out


def test_imply_is_capped_by_dependencies_and_always_written(tmp_path: Path) -> None:
    out = olddefconfig(tmp_path, "")
    assert "CONFIG_CAPPED=m" in out  # (default || implied) && dir_dep: y && m
    assert "# CONFIG_HIDDEN is not set" in out  # implied: written though dir_dep is n
    assert "CONFIG_USERM=y" in out


def test_imply_never_raises_a_user_value(tmp_path: Path) -> None:
    assert "CONFIG_USERM=m" in olddefconfig(tmp_path, "CONFIG_USERM=m\n")


@pytest.mark.parametrize(
    ("config", "chosen"),
    [
        ("", "C"),  # the default
        ("# CONFIG_C is not set\n", "B"),  # default set to n: first visible unset
        ("# CONFIG_A is not set\n# CONFIG_B is not set\n# CONFIG_C is not set\n", "B"),
        ("CONFIG_B=y\nCONFIG_A=y\n", "B"),  # A invisible: the next y, not the default
        ("CONFIG_VIS_A=y\nCONFIG_B=y\nCONFIG_A=y\n", "A"),  # the last y read wins
        ("CONFIG_VIS_A=y\nCONFIG_A=y\nCONFIG_B=y\n", "B"),
    ],
)
def test_choice_selection_follows_sym_calc_choice(tmp_path: Path, config: str, chosen: str) -> None:
    out = olddefconfig(tmp_path, config)
    assert [m for m in "ABC" if f"CONFIG_{m}=y" in out] == [chosen]


SHARED = (
    MODULES
    + 'config A\n\tbool "a"\n\tselect B if C && !D\n\tdepends on E || "x" = "y"\n'
    + "config B\n\tbool\n\tdefault y if A\n"
    + "config C\n\tbool C_unquoted_prompt\n"  # kconfiglib warns: the warning is each load's
    + 'config D\n\tint "d"\n\trange 1 8\n\tdefault 4\n'
    + 'config E\n\tdef_bool $(ARCH_OK)\n\thelp\n\t  help text, not tokens\n'
)


def _reading(kconf: KernelKconfig) -> list[str]:
    nodes = [f"{n.filename}:{n.linenr}: {n}" for n in kconf.node_iter()]
    return [*nodes, repr(list(kconf.syms)), repr(list(kconf.const_syms)), *kconf.warnings]


@pytest.mark.parametrize("arch_ok", ["y", "n"])
def test_lines_shared_between_loads_read_as_a_load_alone(tmp_path: Path, arch_ok: str) -> None:
    """A line read before (by another arch) is read from its template with this
    Kconfig's own symbols: every entry, symbol and warning as when nothing is shared."""
    from kconsist.kconfig import compat

    (tmp_path / "Kconfig").write_text(SHARED)
    tree = KernelTree(tmp_path.resolve())
    env = ArchEnv("x86", {"ARCH_OK": arch_ok})
    compat.SHARE_LINES = False
    try:
        alone = _reading(load_kconfig(tree, env))
    finally:
        compat.SHARE_LINES = True
    first, second = load_kconfig(tree, env), load_kconfig(tree, env)
    assert _reading(first) == alone
    assert _reading(second) == alone
    assert first.syms["A"] is not second.syms["A"]  # each load its own symbols
    assert second.syms["A"].kconfig is second
    assert any("C_unquoted_prompt" in w for w in second.warnings)
