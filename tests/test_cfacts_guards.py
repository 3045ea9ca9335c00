"""#if expressions to conditions."""

from __future__ import annotations

import pytest

from kconsist.cfacts.guards import defined_cond, translate
from kconsist.cond import Atom, Sym, render


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("defined(CONFIG_A)", "A"),
        ("defined CONFIG_A", "A"),
        ("IS_ENABLED(CONFIG_A)", "A"),
        ("IS_BUILTIN(CONFIG_A)", "A"),
        ("IS_REACHABLE(CONFIG_A)", "A"),
        ("CONFIG_A", "A"),
        ("defined(CONFIG_A) && !IS_ENABLED(CONFIG_B)", "A && !B"),
        ("(defined(CONFIG_A) || defined(CONFIG_B)) && !CONFIG_C", "(A || B) && !C"),
        ("!(defined(CONFIG_A) && CONFIG_B)", "!(A && B)"),
        ("0", "n"),
        ("1", "y"),
        ("0x10UL", "y"),
        ("defined(CONFIG_A) || 0", "A"),
        ("defined(CONFIG_A) && 0", "n"),
        ("defined(__arch64__)", "{defined(__arch64__)}"),
        ("defined __ASSEMBLY__", "{defined(__ASSEMBLY__)}"),
        ("!defined(__ASSEMBLY__) && defined(CONFIG_X)", "!{defined(__ASSEMBLY__)} && X"),
        ("PAGE_SHIFT  >  12", "{PAGE_SHIFT > 12}"),
        ("CONFIG_NR_CPUS > 1 && defined(CONFIG_SMP)", "{CONFIG_NR_CPUS > 1} && SMP"),
        ("(A + B) * C", "{(A + B) * C}"),
        ("A - (B - C)", "{A - (B - C)}"),
        ("IS_MODULE(CONFIG_A)", "{IS_MODULE(CONFIG_A)}"),
        ("__has_include(<asm/foo.h>)", "{__has_include(<asm/foo.h>)}"),
        ("__GNUC__ >= 5 ? 1 : 0", "{__GNUC__ >= 5 ? 1 : 0}"),
        ("defined(CONFIG_A", "{defined(CONFIG_A}"),  # unreadable: one atom, verbatim
    ],
)
def test_translate(expr: str, expected: str) -> None:
    assert render(translate(expr)) == expected


def test_defined_cond() -> None:
    assert defined_cond("CONFIG_SMP") == Sym("SMP")
    assert defined_cond("__sparc__") == Atom("defined(__sparc__)")
    assert defined_cond("CONFIG_") == Atom("defined(CONFIG_)")
