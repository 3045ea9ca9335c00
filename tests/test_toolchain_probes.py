"""Toolchain probes left open: a load reads the model toolchain's answers, the formula
can ask about any toolchain (kconsist.kconfig.preprocess.Toolchain, formula.MODEL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kconsist import cond as c
from kconsist import engine
from kconsist.facts import ArchContext
from kconsist.tree import KernelTree

KCONFIG = """\
if-success = $(shell,{ $(1); } >/dev/null 2>&1 && echo "$(2)" || echo "$(3)")
success = $(if-success,$(1),y,n)
failure = $(if-success,$(1),n,y)
cc-option = $(success,$(CC) -Werror $(1) -c -x c /dev/null -o /dev/null)
tc-info := $(shell,$(srctree)/scripts/cc-version.sh $(CC))
tc-version := $(shell,set -- $(tc-info) && echo $2)

config HAVE_SP
\tbool

config CC_HAS_FOO
\tdef_bool $(cc-option,-mfoo)

config AS_NOT_BROKEN
\tdef_bool $(failure,$(CC) -c bar.S)

config USES_FOO
\tbool "uses foo"
\tdepends on CC_HAS_FOO

config STACKPROT
\tbool "stack protector"
\tdepends on HAVE_SP && $(cc-option,-fstack-protector)

config TC_VERSION
\tint
\tdefault $(tc-version)

config NEW_ENOUGH
\tdef_bool TC_VERSION >= 100

config CONSTANT_TEST
\tdef_bool $(success,test 1 = 1)
"""


@pytest.fixture
def ctx(tmp_path: Path) -> ArchContext:
    (tmp_path / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 0\n")
    (tmp_path / "Kconfig").write_text('source "arch/$(SRCARCH)/Kconfig"\n')
    (tmp_path / "arch/demo").mkdir(parents=True)
    (tmp_path / "arch/demo/Kconfig").write_text(KCONFIG)
    tree = KernelTree.open(tmp_path)
    return ArchContext(tree, tree.arch_env("demo"))


def test_load_keeps_the_model_toolchains_answers(ctx):
    values = {n: ctx.kconf.syms[n].str_value for n in ("CC_HAS_FOO", "AS_NOT_BROKEN")}
    assert values == {"CC_HAS_FOO": "n", "AS_NOT_BROKEN": "y"}
    assert ctx.kconf.syms["TC_VERSION"].str_value == "140200"
    assert ctx.kconf.syms["NEW_ENOUGH"].str_value == "y"
    assert ctx.kconf.syms["CONSTANT_TEST"].str_value == "y"


def test_one_probe_symbol_per_probe(ctx):
    labels = sorted(p.label for p in ctx.kconf.toolchain.probes.values())
    assert labels == ["!shell(gcc -c bar.S)", "cc-option(-fstack-protector)", "cc-option(-mfoo)"]
    # a test of constants is no probe; a version is a toolchain-valued symbol
    assert ctx.kconf.syms["CONSTANT_TEST"].defaults[0][0] is ctx.kconf.y
    assert ctx.kconf.toolchain_syms == {"TC_VERSION"}


@pytest.mark.parametrize(
    ("query", "model", "any_toolchain"),
    [
        ("USES_FOO", False, True),  # the model compiler lacks -mfoo; another has it
        ("!AS_NOT_BROKEN", False, True),
        ("!NEW_ENOUGH", None, True),  # an older compiler (model: already an unknown)
        ("STACKPROT", False, False),  # HAVE_SP is never selected: dead for every compiler
        ("CONSTANT_TEST && !CONSTANT_TEST", False, False),
        ("!CONSTANT_TEST", False, False),
    ],
)
def test_model_and_any_toolchain(ctx, query, model, any_toolchain):
    cond = c.parse(query)
    if model is not None:
        assert (engine.solve(ctx, cond) is not None) is model
    assert (engine.solve(ctx, cond, any_toolchain=True) is not None) is any_toolchain


def test_blocker_names_the_probe_not_its_symbol(ctx):
    assert engine._depends(ctx, "STACKPROT") == (
        "STACKPROT depends on HAVE_SP && cc-option(-fstack-protector)"
    )


TRISTATES = """\
config MODULES
\tbool "modules"
\tmodules

config CCP
\ttristate "ccp"

config PSP
\tbool "psp"
\tdepends on CCP

config KVM_AMD
\ttristate "kvm amd"

config SEV
\tbool "sev"
\tdepends on KVM_AMD && PSP && !(KVM_AMD = y && CCP = m)
"""


def test_m_and_y_are_told_apart_when_any_configuration_is_asked(tmp_path):
    (tmp_path / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 0\n")
    (tmp_path / "Kconfig").write_text('source "arch/$(SRCARCH)/Kconfig"\n')
    (tmp_path / "arch/demo").mkdir(parents=True)
    (tmp_path / "arch/demo/Kconfig").write_text(TRISTATES)
    tree = KernelTree.open(tmp_path)
    ctx = ArchContext(tree, tree.arch_env("demo"))
    # Two-valued (m reads as y), SEV looks impossible; KVM_AMD=m with CCP=m allows it.
    assert engine.solve(ctx, c.Sym("SEV")) is None
    assert engine.solve(ctx, c.Sym("SEV"), any_toolchain=True) is not None
