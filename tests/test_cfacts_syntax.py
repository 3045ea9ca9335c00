"""Facts of C text: kinds, lines, guards, tree-sitter and the line classifier."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tree_sitter import Node, Tree

from kconsist import cfacts
from kconsist.cfacts import may_declare, scan_text, syntax
from kconsist.cfacts.syntax import parse_facts
from kconsist.cond import render
from kconsist.tree import KernelTree


def facts(text: str, names: list[str] | None = None) -> list[tuple[str, str, int, str, str]]:
    result = scan_text(text, "arch/x/include/asm/x.h", names)
    assert result.problems == []
    return [(f.kind, f.name, f.line, render(f.guard), f.via) for f in result.facts]


def test_smp_else_definitions() -> None:
    text = (
        "#ifdef CONFIG_SMP\n"
        "static inline void __tlb_remove_table(void *t)\n"
        "{\n"
        "\tfree(t);\n"
        "}\n"
        "#else\n"
        "static inline void __tlb_remove_table(void *t) { }\n"
        "#endif\n"
    )
    assert facts(text) == [
        ("function", "__tlb_remove_table", 2, "SMP", "tree-sitter"),
        ("function", "__tlb_remove_table", 7, "!SMP", "tree-sitter"),
    ]


def test_guard_with_defined_and_is_enabled_and_elif() -> None:
    text = (
        "#if defined(CONFIG_A) && !IS_ENABLED(CONFIG_B)\n"
        "extern void f(void);\n"
        "#elif defined(CONFIG_C)\n"
        "void f(void) {}\n"
        "#endif\n"
    )
    assert facts(text) == [
        ("prototype", "f", 2, "A && !B", "tree-sitter"),
        ("function", "f", 4, "!(A && !B) && C", "tree-sitter"),
    ]


def test_include_guard_dropped_and_macros() -> None:
    text = (
        "/* SPDX-License-Identifier: GPL-2.0 */\n"
        "#ifndef _ASM_X_H\n"
        "#define _ASM_X_H\n"
        "#define OBJ 1\n"
        "#define FUNC(a, b) ((a) + (b))\n"
        "#define VARIADIC(fmt, ...) printk(fmt, ##__VA_ARGS__)\n"
        "#define NOARGS() 0\n"
        "#endif /* _ASM_X_H */\n"
    )
    result = scan_text(text, "x.h")
    got = [(f.kind, f.name, f.line, render(f.guard), f.params) for f in result.facts]
    assert got == [
        ("macro", "_ASM_X_H", 3, "y", None),
        ("macro", "OBJ", 4, "y", None),
        ("macro", "FUNC", 5, "y", ("a", "b")),
        ("macro", "VARIADIC", 6, "y", ("fmt", "...")),
        ("macro", "NOARGS", 7, "y", ()),
    ]


def test_comment_inside_multiline_define() -> None:
    text = (
        "#ifdef CONFIG_X\n"
        "#define pte_free_tlb(tlb, pte) \\\n"
        "\t/* free it */ \\\n"
        "\tdo { __free(pte); /* multi\n"
        "\t line */ } while (0)\n"
        "#define after(x) (x)\n"
        "#endif\n"
        "int g;\n"
    )
    result = scan_text(text, "x.h")
    got = [(f.kind, f.name, f.line, render(f.guard), f.params) for f in result.facts]
    assert got == [
        ("macro", "pte_free_tlb", 2, "X", ("tlb", "pte")),
        ("macro", "after", 6, "X", ("x",)),
    ]
    assert result.problems == []


def test_prototypes_pointers_attributes() -> None:
    text = (
        "extern void __tlb_remove_table(void *_table);\n"
        "struct page *__must_check alloc_thing(int order);\n"
        "static __always_inline unsigned long *bitmap_of(int x) { return 0; }\n"
        "static inline int __init setup_it(void) { return 1; }\n"
        "asmlinkage void do_entry(void);\n"
        "int (*not_a_prototype)(int);\n"
        "void (*signal(int sig, void (*h)(int)))(int);\n"
        "int (parenthesised)(void);\n"
    )
    assert [(k, n, line) for k, n, line, _, _ in facts(text)] == [
        ("prototype", "__tlb_remove_table", 1),
        ("prototype", "alloc_thing", 2),
        ("function", "bitmap_of", 3),
        ("function", "setup_it", 4),
        ("prototype", "do_entry", 5),
        ("prototype", "signal", 7),
        ("prototype", "parenthesised", 8),
    ]


def test_calls_and_uses_are_not_facts() -> None:
    text = (
        "void caller(void)\n"
        "{\n"
        "\t__tlb_remove_table(p);\n"
        "\tx = __tlb_remove_table;\n"
        "}\n"
        "#ifdef __tlb_remove_table\n"
        "#endif\n"
        "EXPORT_SYMBOL(__tlb_remove_table);\n"
    )
    assert facts(text, ["__tlb_remove_table"]) == []


def test_names_filter_and_fast_path() -> None:
    text = "int a(void);\nint b(void);\n#define c 1\n"
    assert [f[1] for f in facts(text, ["b", "c"])] == ["b", "c"]
    assert scan_text(text, "x.h", ["zzz"]).facts == []


def test_definition_in_unparseable_file_found_by_scan() -> None:
    # tree-sitter reads the asm register variable as the initialiser of a declaration
    # `csum_copy(...) { ... = ...` and reports an error; the line classifier still
    # finds the definition (return type on the line before, kernel style).
    text = (
        "#ifdef CONFIG_SMP\n"
        "static inline __wsum\n"
        "csum_copy(const void *src, int len)\n"
        "{\n"
        '\tregister unsigned int ret asm("o0") = (unsigned int)src;\n'
        "\treturn csum_copy_inner(ret);\n"
        "}\n"
        "#endif\n"
    )
    assert parse_facts(text, lambda n: True).has_error
    assert facts(text, ["csum_copy", "csum_copy_inner"]) == [
        ("function", "csum_copy", 3, "SMP", "scan")
    ]
    assert facts(text) == [("function", "csum_copy", 3, "SMP", "scan")]


def test_split_header_over_if_branches() -> None:
    text = (
        "int g = (;\n"  # an error first, so that the classifier reads what follows
        "#ifdef CONFIG_F00F\n"
        "void handle(struct pt_regs *regs)\n"
        "#else\n"
        "static inline void handle(struct pt_regs *regs)\n"
        "#endif\n"
        "{\n"
        "\tdo_trap(regs);\n"
        "}\n"
    )
    got = [(k, n, line, g) for k, n, line, g, _ in facts(text, ["handle"])]
    assert got == [("function", "handle", 3, "F00F"), ("function", "handle", 5, "!F00F")]


def test_unclassifiable_occurrence_is_a_problem() -> None:
    text = (
        "struct s {\n"
        "\tint a;\n"
        "} cfg __attribute((common));\n"
        "static void\n"
        "CONCAT(pre, fix)(int x)\n"
        "{\n"
        "}\n"
    )
    result = scan_text(text, "x.h", ["CONCAT"])
    assert result.facts == []
    assert result.problems == [("x.h", 5, "cannot tell whether 'CONCAT' is declared or used here")]


@pytest.mark.parametrize(
    ("text", "declares"),
    [
        ("x();\n\tmemcpy(d, s, n);\n", False),  # a statement
        ("x = memcpy(d, s, n);\n", False),
        ("\treturn memcpy(d, s, n);\n", False),
        ("} else memcpy(d, s, n);\n", False),
        ("p = &memcpy;\nops.memcpy = 0;\n", False),
        ("#define memcpy __builtin_memcpy\n", False),  # the line scan's
        ("/* void *memcpy(void); */ f(\"void *memcpy(\");\n", False),
        ("void *memcpy(void *d, const void *s, size_t n);\n", True),
        ("extern int a, memcpy(void);\n", True),  # a second declarator
        ("__visible void *\nmemcpy(void *d)\n{\n}\n", True),
        ("void __attribute__((weak)) memcpy(void);\n", True),
        ("void (memcpy)(void);\n", True),
        ("GEN(memcpy)\n", True),  # a macro that may define it
        ("memcpy(void);\n", True),  # first in the file
        ("if (n) memcpy(d, s, n);\n", True),  # after ")": parsed to be sure
    ],
)
def test_may_declare_reads_the_token_before_each_occurrence(text: str, declares: bool) -> None:
    assert may_declare(text, ["memcpy"]) is declares


_USE_OR_DECLARE = [
    "void f(int);",
    "f(1);",
    "x = f(2);",
    "return f(3);",
    "int a, f(void);",
    "static int\nf(void)\n{",
    "}",
    "{",
    "g(f);",
    "#define f(x) x\n",
    "#define GEN(n) void n(void) {}\n",
    "\nGEN(f)\n",
    "(void)f(1);",
    "if (x) f(1);",
    "p->f(1);",
    ".f = g,",
    "struct s { int (*f)(int); };",
    "int g = (;",
    "(",
    ")",
    ";",
    "#if A\n",
    "#endif\n",
    "/* f(1); */",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_USE_OR_DECLARE), max_size=20))
def test_facts_of_a_file_not_parsed_equal_those_of_a_parse(parts: list[str]) -> None:
    """Where may_declare says every occurrence is a use, skipping the parse loses
    no fact and no problem."""
    text = " ".join(parts)
    got = scan_text(text, "x.c", ["f"])
    forced = cfacts._may_declare
    try:
        cfacts._may_declare = lambda _scan, _names: True  # type: ignore[assignment]
        parsed = scan_text(text, "x.c", ["f"])
    finally:
        cfacts._may_declare = forced  # type: ignore[assignment]
    assert [(f.kind, f.line, f.guard) for f in got.facts] == [
        (f.kind, f.line, f.guard) for f in parsed.facts
    ]
    assert got.problems == parsed.problems


# -- the real tree -------------------------------------------------------------------


@pytest.mark.realtree
def test_realtree_tlb_remove_table_facts(newest_tree: KernelTree) -> None:
    tree = newest_tree
    found = set()
    for rel in tree.files("arch/", (".c", ".h")):
        result = scan_text(tree.read_text(rel), rel, ["__tlb_remove_table"])
        assert result.problems == [], rel
        found.update((f.file, f.line, f.kind, render(f.guard)) for f in result.facts)
    assert {
        ("arch/sparc/include/asm/pgalloc_64.h", 90, "function", "SMP"),
        ("arch/powerpc/include/asm/book3s/64/pgalloc.h", 22, "prototype", "y"),
        ("arch/powerpc/include/asm/nohash/pgalloc.h", 62, "function", "y"),
        ("arch/powerpc/include/asm/book3s/32/pgalloc.h", 65, "function", "y"),
    } <= found
    pgtable_c = [f for f in found if f[0] == "arch/powerpc/mm/book3s64/pgtable.c"]
    assert [f[2:] for f in pgtable_c] == [("function", "y")]


@pytest.mark.realtree
def test_realtree_files_not_parsed_have_the_facts_of_a_parse(newest_tree: KernelTree) -> None:
    """Every arch file whose occurrences of a name the pack asks about are all uses
    (may_declare) has, unparsed, exactly the facts of that name a parse finds."""
    names = ["memcpy", "memset", "strlen", "cache_line_size", "pte_special", "ffs"]
    names += ["arch_cpu_finalize_init", "tick_broadcast", "set_memory_ro"]
    skipped = 0
    for rel in newest_tree.files("arch/", (".c", ".h")):
        text = newest_tree.read_text(rel)
        wanted = [n for n in names if n in text]
        if not wanted or may_declare(text, wanted):
            continue
        skipped += 1
        parsed = scan_text(text, rel, None)
        got = scan_text(text, rel, None, parse=False)
        assert [(f.kind, f.name, f.line, f.guard) for f in got.facts if f.name in wanted] == [
            (f.kind, f.name, f.line, f.guard) for f in parsed.facts if f.name in wanted
        ], rel
    assert skipped > 1000  # most files only call them


def test_functions_a_macro_of_the_file_defines() -> None:
    """s390's asm/set_memory.h: one inline function (and a __ one) per call."""
    text = (
        "#define __SET_MEMORY_FUNC(fname, flags)\t\\\n"
        "static inline int fname(unsigned long addr, int numpages)\t\\\n"
        "{ return __set_memory(addr, numpages, (flags)); }\t\\\n"
        "static inline int __##fname(void *start, void *end)\t\\\n"
        "{ return 0; }\n"
        "\n"
        "__SET_MEMORY_FUNC(set_memory_ro, SET_MEMORY_RO)\n"
        "#ifdef CONFIG_X\n"
        "__SET_MEMORY_FUNC(set_memory_x, SET_MEMORY_RO | SET_MEMORY_X)\n"
        "#endif\n"
        "#define NOT_A_GENERATOR(x) ((x) + 1)\n"
        "NOT_A_GENERATOR(set_memory_nx)\n"
    )
    names = ["set_memory_ro", "__set_memory_ro", "set_memory_x", "set_memory_nx"]
    facts = scan_text(text, "arch/s390/include/asm/set_memory.h", names).facts
    assert [(f.kind, f.name, f.line, render(f.guard), f.via) for f in facts] == [
        ("function", "__set_memory_ro", 7, "y", "macro"),
        ("function", "set_memory_ro", 7, "y", "macro"),
        ("function", "set_memory_x", 9, "X", "macro"),
    ]


def _every_node_walk(tree: Tree, suspect: set[int]) -> dict[str, list[tuple[int, int]]]:
    """What syntax._walk finds, by visiting every node (no subtree skipped)."""
    found: dict[str, list[tuple[int, int]]] = {kind: [] for kind in syntax._KINDS.values()}

    def visit(node: Node, parent: Node | None, in_error: bool) -> None:
        if node.is_missing:
            suspect.update(syntax._lines(parent or node))
        elif node.type == "ERROR":
            suspect.update(syntax._lines(node))
            in_error = True
        elif node.type in syntax._KINDS and not in_error:
            found[syntax._KINDS[node.type]].append((node.start_byte, node.end_byte))
        for child in node.children:
            visit(child, node, in_error)

    visit(tree.root_node, None, False)
    return found


_FRAGMENTS = [
    "int f(void) {",
    "}",
    "return g(a, b);",
    "#define X(a) a\n",
    "struct s { int a; void h(int); };",
    "x = (y + (z * w))",
    ";",
    "{",
    "(",
    ")",
    "static inline void k(int x)",
    "int v = 1;",
    "\n",
    "foo(bar(baz));",
    "#if A\n",
    "#endif\n",
    'asm("x");',
    "enum e { A, B };",
    ",",
    # facts inside expressions: a struct in sizeof or a cast, a statement expression
    "n = sizeof(struct t { int b; });",
    "g(({ int q = 1; q; }));",
    "p = (struct u { int c; } *)0;",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=30))
def test_the_walk_skips_only_subtrees_without_facts(parts: list[str]) -> None:
    source = " ".join(parts).encode()
    tree = syntax._parse(source)
    assert tree is not None
    expected_suspect: set[int] = set()
    expected = _every_node_walk(tree, expected_suspect)
    suspect: set[int] = set()
    found = syntax._walk(tree, suspect, source)
    assert {k: [(n.start_byte, n.end_byte) for n in v] for k, v in found.items()} == expected
    assert suspect == expected_suspect
