"""The effective condition of a C fact: its own ``#if`` nest, and whether its file is
used at all for the arch (which header a dispatcher header picks; which Makefile line
builds a .c file), with compiler-defined macros mapped to Kconfig symbols.

Compiler macros (documented in README, "Compiler macros"): the preprocessor sees
``__arch64__`` or ``__powerpc64__`` rather than CONFIG_64BIT; the table below says
which Kconfig condition each one stands for on the arch that defines it. A macro of
another arch is false. Anything not in the table stays an unknown (an Atom), which
findings report as an assumption instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable

from kconsist import cond as c
from kconsist.cfacts.includes import IncludeGraph
from kconsist.cfacts.kbuild import build_condition
from kconsist.tree import KernelTree

Y, N = c.TRUE, c.FALSE
B64 = c.Sym("64BIT")

# Macros every kernel C file sees the same way: facts are C code built for the kernel.
COMMON: dict[str, c.Cond] = {
    "__KERNEL__": Y,
    "__ASSEMBLY__": N,
    "__ASSEMBLER__": N,
    "__GENKSYMS__": N,
    "__CHECKER__": N,
    "__LP64__": B64,
    "_LP64": B64,
}

# arch -> macro -> condition on that arch (the macro is false on every other arch).
ARCH_MACROS: dict[str, dict[str, c.Cond]] = {
    "sparc": {"__sparc__": Y, "__sparc": Y, "__arch64__": B64, "__sparc_v9__": B64},
    "powerpc": {
        "__powerpc__": Y,
        "__PPC__": Y,
        "__powerpc64__": c.Sym("PPC64"),
        "__PPC64__": c.Sym("PPC64"),
    },
    "x86": {"__x86_64__": c.Sym("X86_64"), "__i386__": c.Sym("X86_32")},
    "um": {"__x86_64__": c.Sym("64BIT"), "__i386__": c.not_(B64)},
    "arm64": {"__aarch64__": Y},
    "arm": {"__arm__": Y},
    "mips": {"__mips__": Y, "__mips64": B64},
    "s390": {"__s390__": Y, "__s390x__": Y},
    "riscv": {"__riscv": Y},
    "loongarch": {"__loongarch__": Y, "__loongarch64": B64},
    "parisc": {"__hppa__": Y},
    "alpha": {"__alpha__": Y},
    "m68k": {"__mc68000__": Y},
    "sh": {"__sh__": Y},
}


# Macros that tell the compiler's pass over a file from the other passes that read it:
# genksyms (CONFIG_MODVERSIONS), sparse (make C=1), the assembler (a header a .S file
# includes). For the compiler they are constants (COMMON), but a branch under them is
# read by that other pass: whether code is ever used ("possible:") leaves them open.
PASSES = frozenset({"__GENKSYMS__", "__CHECKER__", "__ASSEMBLY__", "__ASSEMBLER__"})


def _pass_macro(x: c.Cond) -> bool:
    return isinstance(x, c.Atom) and x.text.removeprefix("defined(").rstrip(")").strip() in PASSES


def names_pass(cond: c.Cond) -> bool:
    """Whether ``cond`` tests a :data:`PASSES` macro."""
    return any(_pass_macro(c.Atom(a)) for a in c.atoms(cond))


def open_passes(cond: c.Cond) -> c.Cond:
    """``cond`` with each test of a :data:`PASSES` macro an unknown of its own (never
    mapped to a constant), for "is this branch read by any pass of the build"."""

    def leaf(x: c.Cond) -> c.Cond:
        if _pass_macro(x):
            return c.Atom(f"pass: {x.text}")
        return x

    return c.transform(cond, leaf)


def file_condition(
    tree: KernelTree, arch: str, rel: str, includes: Callable[[], IncludeGraph]
) -> c.Cond:
    """When ``rel`` takes part in a build of ``arch`` (``includes``: the arch's graph,
    built only when a header, or a .c no Makefile names, needs it)."""
    if rel.endswith(".c"):
        built = build_condition(tree, rel)
        return built if built != c.Atom(f"built({rel})") else includes().condition(rel)
    if rel.startswith(f"arch/{arch}/include/"):
        return includes().condition(rel)
    return c.TRUE


def macro_value(macro: str, arch: str) -> c.Cond | None:
    if macro in COMMON:
        return COMMON[macro]
    own = ARCH_MACROS.get(arch, {})
    if macro in own:
        return own[macro]
    if any(macro in table for table in ARCH_MACROS.values()):
        return N
    return None


def map_compiler_macros(cond: c.Cond, arch: str) -> c.Cond:
    """Replace ``defined(MACRO)`` atoms of known compiler macros by Kconfig conditions."""

    def leaf(x: c.Cond) -> c.Cond:
        if not isinstance(x, c.Atom):
            return x
        macro = x.text.removeprefix("defined(").removesuffix(")")
        value = macro_value(macro.strip(), arch) if macro != x.text else None
        return x if value is None else value

    return c.transform(cond, leaf)
