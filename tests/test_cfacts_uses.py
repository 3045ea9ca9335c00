"""Calls and references of a name (kconsist.cfacts.uses): what is a use and what is not."""

import textwrap

from kconsist import cond as c
from kconsist.cfacts import scan_text
from kconsist.cfacts.uses import find_uses, word_pattern

SOURCE = textwrap.dedent(
    """\
    /* foo() in a comment */
    #ifdef CONFIG_A
    #define foo foo
    static inline void foo(int x)
    {
        foo(x - 1);
    }
    #define call_foo(p) foo(p)
    #define wrap(foo) bar(foo)
    #define take_foo &foo
    #else
    extern void foo(int);
    #endif
    #if defined(foo)
    #endif
    #undef foo
    void g(struct ops *ops, struct s s)
    {
        const char *msg = "foo(1)";
        char c = 'f';
        ops->foo(1);
        s.foo = 2;
        struct foo *p;
        void (*fp)(int) = foo;
        int foo;
        void (*foo)(int);
        if (msg)
            foo(3);
        EXPORT_SYMBOL(foo);
        return foo;
    }
    """
)


def uses(text: str = SOURCE, names=("foo",), regex=None):
    defined = scan_text(text, "f.c", None if regex else names).facts
    word = word_pattern(names, regex)
    wanted = (lambda n: n in names) if regex is None else (lambda n: True)
    found = find_uses(text, "f.c", word, wanted, {(f.name, f.line) for f in defined})
    return [(f.kind, f.line) for f in found.facts], found


def test_calls_and_references_but_no_definitions_comments_strings_or_members():
    got, found = uses()
    assert got == [
        ("call", 6),  # recursion inside the definition: a call
        ("call", 8),  # in a #define body, at the #define
        ("reference", 10),  # an object-like macro's body takes its address
        ("reference", 24),  # the address, as an initialiser
        ("call", 28),
        ("reference", 29),  # EXPORT_SYMBOL(foo)
        ("reference", 30),
    ]
    assert found.problems == []


def test_a_use_has_the_guard_of_its_line():
    _, found = uses()
    guards = {f.line: f.guard for f in found.facts}
    assert guards[6] == c.Sym("A") and guards[8] == c.Sym("A")
    assert guards[28] == c.TRUE


def test_regex_names_find_every_matching_word():
    text = "void f(void)\n{\n\tarch_a(1);\n\tarch_b_fn = arch_c;\n\tx_arch_d(2);\n}\n"
    got, found = uses(text, names=(), regex=r"arch_\w+")
    assert got == [("call", 3), ("reference", 4), ("reference", 4)]
    assert [f.name for f in found.facts] == ["arch_a", "arch_b_fn", "arch_c"]


def test_a_macro_parameter_of_that_name_and_a_self_define_are_no_uses():
    text = "#define foo foo\n#define twice(foo) ((foo) + (foo))\n#define g() foo()\n"
    assert uses(text)[0] == [("call", 3)]


def test_a_parameter_is_declared_not_used_but_a_cast_operand_is_used():
    text = (
        "static int __init parse(char *foo, int n)\n{\n    return n + (long)foo;\n}\n"
        "void g(int x,\n       unsigned long foo)\n{\n    h(x, foo);\n}\n"
    )
    assert uses(text)[0] == [("reference", 3), ("reference", 8)]
