"""The line-level preprocessor scan: comments, continuations, branch stacks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kconsist.cfacts.pp import blank_comments, scan
from kconsist.cond import render


def guards(text: str) -> dict[int, str]:
    """Rendered guard of every non-directive, non-blank line, by line number."""
    s = scan(text)
    return {
        n: render(s.guard_at(n))
        for n, line in enumerate(text.split("\n"), 1)
        if line.strip() and not s.directive_at(n) and not line.lstrip().startswith(("/*", "*"))
    }


def test_ifdef_else_endif() -> None:
    text = "#ifdef CONFIG_SMP\nint a;\n#else\nint b;\n#endif\nint c;\n"
    assert guards(text) == {2: "SMP", 4: "!SMP", 6: "y"}


def test_elif_negates_earlier_branches() -> None:
    text = (
        "#if defined(CONFIG_A)\n"
        "int a;\n"
        "#elif IS_ENABLED(CONFIG_B)\n"
        "int b;\n"
        "#elifdef CONFIG_C\n"
        "int c;\n"
        "#else\n"
        "int d;\n"
        "#endif\n"
    )
    assert guards(text) == {
        2: "A",
        4: "!A && B",
        6: "!(A || B) && C",
        8: "!(A || B || C)",
    }


def test_nesting_and_elifndef() -> None:
    text = (
        "#ifndef CONFIG_X\n"
        "#ifdef CONFIG_Y\n"
        "int a;\n"
        "#elifndef CONFIG_Z\n"
        "int b;\n"
        "#endif\n"
        "int c;\n"
        "#endif\n"
    )
    assert guards(text) == {3: "!X && Y", 5: "!X && !Y && !Z", 7: "!X"}


def test_continuation_and_comments_inside_directive() -> None:
    text = (
        "#if defined(CONFIG_A) && /* a comment\n"
        "     spanning lines */ \\\n"
        "    !defined(CONFIG_B) // trailing\n"
        "int a;\n"
        "#endif\n"
    )
    s = scan(text)
    assert [(d.name, d.line, d.end_line) for d in s.directives] == [("if", 1, 3), ("endif", 5, 5)]
    assert render(s.guard_at(4)) == "A && !B"


def test_directives_in_comments_and_strings_are_ignored() -> None:
    text = '/*\n#ifdef CONFIG_A\n*/\nchar *s = "/* not a comment";\n// #if 0\nint a;\n'
    s = scan(text)
    assert s.directives == []
    assert render(s.guard_at(6)) == "y"
    assert s.in_literal(text.index("not a"))
    assert not s.in_literal(text.index("int a"))


def test_include_guard_dropped() -> None:
    text = (
        "/* SPDX */\n"
        "#ifndef _ASM_X_H\n"
        "#define _ASM_X_H\n"
        "int a;\n"
        "#ifdef __ASSEMBLY__\n"
        "int b;\n"
        "#endif\n"
        "#endif /* _ASM_X_H */\n"
    )
    s = scan(text)
    assert s.include_guard == "_ASM_X_H"
    assert guards(text) == {4: "y", 6: "{defined(__ASSEMBLY__)}"}


def test_ifndef_that_does_not_wrap_the_file_is_kept() -> None:
    text = "#ifndef FOO\n#define FOO 1\n#endif\nint a;\n#ifndef FOO\nint b;\n#endif\n"
    s = scan(text)
    assert s.include_guard is None
    assert guards(text)[6] == "!{defined(FOO)}"


def test_if_zero_and_one() -> None:
    text = "#if 0\nint a;\n#else\nint b;\n#endif\n#if 1\nint c;\n#endif\n"
    assert guards(text) == {2: "n", 4: "y", 7: "y"}


def test_unbalanced_directives_are_problems() -> None:
    s = scan("#endif\n#ifdef CONFIG_A\nint a;\n#else\n#else\n")
    assert s.problems == [
        (1, "#endif without #if"),
        (5, "#else after #else"),
        (2, "#if without #endif"),
    ]


def test_blank_comments_keeps_offsets_and_lines() -> None:
    text = "a /* b\nc */ d // e\nf"
    code, open_at_eol, _ = blank_comments(text)
    assert code == "a     \n     d     \nf"
    assert open_at_eol == {1}


def _blank_by_character(text: str) -> tuple[str, set[int], list[int]]:
    """What blank_comments does, one character at a time: the obviously right (and
    slow) reading that the regex-driven one must equal."""
    out, open_at_eol, literals = list(text), set(), []
    i, n, line = 0, len(text), 1
    while i < n:
        if text[i] == "\n":
            line, i = line + 1, i + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            for j in range(i, end):
                if text[j] == "\n":
                    open_at_eol.add(line)
                    line += 1
                else:
                    out[j] = " "
            i = end
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                out[i] = " "
                if text[i] == "\\" and text.startswith("\n", i + 1):
                    line, i = line + 1, i + 1
                i += 1
        elif text[i] in "\"'":
            literals.append(i)
            quote, i = text[i], i + 1
            while i < n and text[i] not in (quote, "\n"):
                escaped = text[i] == "\\" and i + 1 < n
                line += escaped and text[i + 1] == "\n"
                i += 2 if escaped else 1
            i += 1 if i < n and text[i] == quote else 0
            literals.append(i)
        else:
            i += 1
    return "".join(out), open_at_eol, literals


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="/*\"'\\\n a#", max_size=40))
def test_blank_comments_equals_the_character_reading(text: str) -> None:
    assert blank_comments(text) == _blank_by_character(text)


ASSERTIONS = """\
#ifdef CONFIG_A
#ifdef CONFIG_B
/* why: a comment is no code */

#error "no B with A"
#warning "and a second line"
#elif defined(CONFIG_C)
#error "no C"
int c;
#else
#error "else is no branch fact"
#endif
#endif
#if defined(CONFIG_D)
# error "continued \\
  over two lines"
#elif defined(CONFIG_E)
#endif
#ifdef CONFIG_F
#define F 1
#error "F"
#endif
#ifndef CONFIG_G
#if 0
#error "nested"
#endif
#endif
"""


def test_a_branch_of_only_error_lines_is_an_assertion() -> None:
    s = scan(ASSERTIONS)
    assert [d.line for d, _, _ in s.branches] == [1, 2, 7, 14, 17, 19, 23, 24]
    # Only #error/#warning, comments and blank lines: the B, D and "#if 0" branches (and
    # the #else). Not: code beside the #error (7), a #define (19), an empty branch
    # (17), a branch holding an #if (1, 23).
    assert s.asserting == {2, 10, 14, 24}
