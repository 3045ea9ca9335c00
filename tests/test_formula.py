"""Kconfig semantics as encoded for the SAT solver, on small Kconfig files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kconsist import cond as c
from kconsist import sat
from kconsist.facts import ArchContext
from kconsist.tree import KernelTree

KCONFIG = """\
config 64BIT
\tbool "64-bit kernel" if "$(ARCH)" = "demo"
\tdefault "$(ARCH)" = "demo64"

config SMP
\tbool "SMP"

config SELECTED
\tbool

config SELECTOR
\tdef_bool 64BIT
\tselect SELECTED if SMP

config CHAIN
\tbool
\tdefault y if SMP
\tdefault n if 64BIT
\tdefault y

config NEEDS_64
\tdef_bool y
\tdepends on 64BIT

config IMPLIED
\tbool "implied"
\tdepends on SMP

config IMPLIER
\tdef_bool y
\timply IMPLIED

config HIDDEN_IMPLIED
\tbool
\tdepends on SMP

config HIDDEN_IMPLIER
\tdef_bool y
\timply HIDDEN_IMPLIED

config NOT_SMP
\tdef_bool SMP = n

config UNDEFINED_USER
\tdef_bool y
\tdepends on SOMETHING_ONLY_OTHER_ARCHES_DEFINE

choice
\tprompt "CPU"

config CPU_A
\tbool "A"

config CPU_B
\tbool "B"
\tdepends on 64BIT

config CPU_C
\tbool "C"
\tdepends on !64BIT

endchoice
"""


def make_tree(tmp_path: Path, kconfig: str = KCONFIG) -> KernelTree:
    (tmp_path / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 0\n")
    (tmp_path / "Kconfig").write_text('source "arch/$(SRCARCH)/Kconfig"\n')
    (tmp_path / "arch/demo").mkdir(parents=True)
    (tmp_path / "arch/demo/Kconfig").write_text(kconfig)
    return KernelTree.open(tmp_path)


@pytest.fixture
def ctx(tmp_path: Path) -> ArchContext:
    tree = make_tree(tmp_path)
    return ArchContext(tree, tree.arch_env("demo"))


def possible(ctx: ArchContext, text: str) -> bool:
    query = c.parse(text)
    ctx.formula.add_cone(c.symbols(query))
    return sat.solve([*ctx.formula.constraints, query]) is not None


@pytest.mark.parametrize(
    "query,expected",
    [
        ("64BIT", True),  # visible with ARCH=demo: the user's choice
        ("!64BIT", True),
        ("SELECTED && !SMP", False),  # only selected, and only when SMP
        ("SELECTED && SMP && 64BIT", True),
        ("SMP && 64BIT && !SELECTED", False),  # select forces it on
        ("SMP && !CHAIN", False),  # first default whose condition holds wins
        ("!SMP && 64BIT && CHAIN", False),
        ("!SMP && !64BIT && CHAIN", True),
        ("NEEDS_64 && !64BIT", False),
        ("64BIT && !NEEDS_64", False),
        ("IMPLIED && !SMP", False),  # imply never overrides dependencies
        ("IMPLIED", True),
        ("SMP && !IMPLIED", True),  # a visible implied symbol may still be n
        ("SMP && !HIDDEN_IMPLIED", False),  # an invisible one follows the imply
        ("NOT_SMP && SMP", False),
        ("!NOT_SMP && !SMP", False),
        ("UNDEFINED_USER", False),  # a symbol the arch does not define is n
        ("CPU_A && CPU_B", False),  # a choice has one member on
        ("!CPU_A && !CPU_B && !CPU_C", False),  # ... and at least one
        ("CPU_B && !64BIT", False),
        ("CPU_C && !64BIT", True),
    ],
)
def test_allowed_configurations(ctx, query, expected):
    assert possible(ctx, query) is expected


def test_fixed_arch_variant(tmp_path):
    tree = make_tree(tmp_path)
    env = tree.arch_env("demo")
    ctx = ArchContext(tree, type(env)(env.name, {**env.env, "ARCH": "demo64"}))
    assert possible(ctx, "64BIT") is True
    assert possible(ctx, "!64BIT") is False  # no prompt, default y for demo64


def test_cone_stays_small(ctx):
    ctx.formula.add_cone(["SELECTED"])
    assert {"SELECTED", "SELECTOR", "SMP", "64BIT"} <= ctx.formula._done
    assert "CPU_A" not in ctx.formula._done
