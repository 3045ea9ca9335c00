"""Which edits cannot change a verdict (comments, blank lines), and where lines move."""

from __future__ import annotations

from kconsist.edits import moves

KCONFIG = """\
config A
\tbool "a"
\tselect B
\thelp
\t  Some help.
\t  More help.

config B
\tbool
"""


def _insert(text: str, at: int, line: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join([*lines[:at], line, *lines[at:]])


def test_a_kconfig_comment_between_entries_moves_the_lines_below() -> None:
    edited = _insert(KCONFIG, 7, "# a comment\n")
    assert moves("Kconfig", KCONFIG, edited) == {
        1: 1,
        2: 2,
        3: 3,
        4: 4,
        5: 5,
        6: 6,
        7: 7,
        8: 9,
        9: 10,
    }


def test_blank_lines_and_indented_comments_between_entries_are_inert() -> None:
    assert moves("drivers/net/Kconfig", KCONFIG, _insert(KCONFIG, 1, "\t# why\n")) is not None
    assert moves("mm/Kconfig.debug", KCONFIG, _insert(KCONFIG, 8, "\n\n")) is not None


def test_a_comment_that_ends_help_text_matters() -> None:
    # kconfiglib ends the help at a less indented line; what follows is read as Kconfig.
    assert moves("Kconfig", KCONFIG, _insert(KCONFIG, 5, "# not help\n")) is None


def test_help_text_edits_are_not_taken_as_inert() -> None:
    assert moves("Kconfig", KCONFIG, _insert(KCONFIG, 5, "\t  # help text\n")) is None
    assert moves("Kconfig", KCONFIG, _insert(KCONFIG, 5, "\n")) is None


def test_a_comment_ending_in_a_backslash_joins_the_next_line() -> None:
    assert moves("Kconfig", KCONFIG, _insert(KCONFIG, 7, "# joined \\\n")) is None


def test_a_changed_statement_matters() -> None:
    assert moves("Kconfig", KCONFIG, KCONFIG.replace("select B", "select B if A")) is None


def test_kconsist_ignore_comments_always_matter() -> None:
    assert moves("Kconfig", KCONFIG, _insert(KCONFIG, 2, "# kconsist-ignore: r why\n")) is None


C = """\
#ifdef CONFIG_X
/*
 * a block
 */
void f(void)
{
}
#define M(x) \\
\tdo { } while (0)
#endif
"""


def test_c_comments_and_blank_lines_are_inert() -> None:
    edited = _insert(C, 4, "/* a comment */\n")
    assert moves("a.c", C, edited) == {
        **{i: i for i in range(1, 5)},
        **{i: i + 1 for i in range(5, 12)},  # 11: after the last newline
    }
    assert moves("a.h", C, _insert(C, 0, "// first\n\n")) is not None


def test_c_comments_that_the_line_scans_read_matter() -> None:
    for line in ("/* #if 0 */\n", "/* f(void) */\n", "// a \\\n", "/* 'quote */\n"):
        assert moves("a.c", C, _insert(C, 4, line)) is None, line


def test_c_comment_inside_a_comment_or_a_macro_matters() -> None:
    assert moves("a.c", C, _insert(C, 2, "/* ends the block early */\n")) is None
    assert moves("a.c", C, _insert(C, 8, "\n")) is None  # inside the continued #define


def test_other_files_are_never_taken_as_inert() -> None:
    assert moves("arch/x86/Makefile", "obj-y += a.o\n", "# c\nobj-y += a.o\n") is None
