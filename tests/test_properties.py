"""Property-based tests (issue 11, item 8): hostile rule YAML, Kconfig lines and C
headers. Whatever the input, the command line ends with exit 0 or 1, or exit 2 with
messages that name a file, in bounded time; never a traceback or an internal error."""

import contextlib
import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kconsist.main import main

ROOT = Path(__file__).resolve().parent.parent
V3 = ROOT / "examples/pt-reclaim-v3"
TLB_RULES = ROOT / "rules/tlb-remove-table.yaml"
HEADER = "arch/x86/include/asm/tlb.h"
KCONFIG = "mm/Kconfig"

# Few examples, each with a deadline: the three modules together stay well under a
# minute in CI; a deadline also fails an input that makes kconsist slow.
PROPERTY = settings(
    max_examples=12,
    deadline=30_000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def tree() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        shutil.copytree(V3, root)
        yield root


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_well_behaved(code: int, out: str, err: str, names: tuple[str, ...]) -> None:
    """Exit 0/1, or 2 with every error naming one of ``names`` (files); no traceback."""
    assert "Traceback" not in out + err and "internal error" not in err, err
    assert code in (0, 1, 2), (code, err)
    if code != 2:
        return
    errors = [line for line in out.splitlines() if ": input error: " in line]
    errors += [line for line in err.splitlines() if line.startswith("kconsist: error:")]
    assert errors, (out, err)
    for line in errors:
        assert any(name in line for name in names), line


def audit_x86(tree: Path, *extra: str) -> tuple[int, str, str]:
    return run(["audit", str(tree), "--arch", "x86", "-j", "1", *extra])


def audited_with(tree: Path, rel: str, data: bytes, *args: str) -> tuple[int, str, str]:
    """audit_x86 of ``tree`` with file ``rel`` holding ``data``, the file restored after
    (the tree is one fixture for every example)."""
    path = tree / rel
    original = path.read_bytes()
    try:
        path.write_bytes(data)
        return audit_x86(tree, *args)
    finally:
        path.write_bytes(original)


# -- rule YAML -----------------------------------------------------------------------

_SCALARS = st.one_of(
    st.text(max_size=12),
    st.integers(-5, 5),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=6), max_size=3),
    st.sampled_from(["$remover", "arch/{arch}/**", "../**", "/etc/**", "{x}", "*", "{arch}"]),
)
_KEYS = [
    "id",
    "severity",
    "message",
    "facts",
    "check",
    "fix",
    "paths",
    "names",
    "never",
    "for-each",
    "requires",
    "arches",
    "kinds",
    "regex",
]


def _yaml_scalar(value: object) -> str:
    import json

    return json.dumps(value)  # JSON is YAML: any value, quoted safely


@st.composite
def rule_files(draw: st.DrawFn) -> str:
    lines = TLB_RULES.read_text().splitlines()
    how = draw(st.sampled_from(["value", "key", "truncate", "garble", "alias"]))
    if how == "value":  # one value replaced by a random one
        i = draw(st.sampled_from([n for n, ln in enumerate(lines) if ": " in ln]))
        key = lines[i].split(": ", 1)[0]
        lines[i] = f"{key}: {_yaml_scalar(draw(_SCALARS))}"
    elif how == "key":  # a random key beside an existing one
        i = draw(st.sampled_from([n for n, ln in enumerate(lines) if ": " in ln]))
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        key = draw(st.sampled_from(_KEYS) | st.text("abcxyz-_", min_size=1, max_size=8))
        lines.insert(i, f"{indent}{key}: {_yaml_scalar(draw(_SCALARS))}")
    elif how == "truncate":  # cut anywhere, even inside a line
        text = "\n".join(lines)
        return text[: draw(st.integers(0, len(text)))]
    elif how == "garble":  # random characters at a random place
        text = "\n".join(lines)
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.text(max_size=20)) + text[at:]
    else:  # anchors and aliases, nested: a small "billion laughs"
        depth = draw(st.integers(1, 12))
        bomb = ["bomb0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        bomb += [f"bomb{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 4)}]" for k in range(1, depth)]
        return "\n".join(bomb) + "\n" + "\n".join(lines)
    return "\n".join(lines) + "\n"


@PROPERTY
@given(text=rule_files())
def test_any_rule_file_is_accepted_or_refused_naming_it(tree, text):
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.yaml"
        rules.write_text(text, encoding="utf-8", errors="surrogatepass")
        code, out, err = audit_x86(tree, "--rules", str(rules))
    assert_well_behaved(code, out, err, (str(rules), "arch/x86", "Kconfig"))


# -- Kconfig lines ---------------------------------------------------------------------

_TOKENS = [
    "config",
    "menuconfig",
    "if",
    "endif",
    "menu",
    "endmenu",
    "choice",
    "endchoice",
    "source",
    "select",
    "depends on",
    "bool",
    "tristate",
    "default",
    "help",
    '"',
    "$(",
    "&&",
    "||",
    "!",
    "(",
    ")",
    "=",
    "MMU",
    "PT_RECLAIM",
    "\t",
    "---help---",
    '"arch/*/Kconfig"',
    "y",
]


@st.composite
def kconfig_texts(draw: st.DrawFn) -> str:
    lines = (V3 / KCONFIG).read_text().splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines)))
        how = draw(st.sampled_from(["delete", "duplicate", "truncate", "tokens", "block"]))
        if how == "delete" and i < len(lines):
            del lines[i]
        elif how == "duplicate" and i < len(lines):
            lines.insert(i, lines[i])
        elif how == "truncate" and i < len(lines):
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        elif how == "tokens":
            lines.insert(i, " ".join(draw(st.lists(st.sampled_from(_TOKENS), max_size=6))))
        else:  # an unbalanced block keyword
            keyword = ["if MMU", "endif", 'menu "m"', "endmenu", "choice", "endchoice"]
            lines.insert(i, draw(st.sampled_from(keyword)))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


@PROPERTY
@given(text=kconfig_texts())
def test_any_kconfig_mutation_is_checked_or_reported_naming_the_file(tree, text):
    code, out, err = audited_with(tree, KCONFIG, text.encode(), "--rules", str(TLB_RULES))
    assert_well_behaved(code, out, err, ("Kconfig",))


# -- C headers -------------------------------------------------------------------------

_REMOVER = "static inline void __tlb_remove_table(void *table)\n{\n\tfree(table);\n}\n"


@st.composite
def headers(draw: st.DrawFn) -> bytes:
    base = (V3 / HEADER).read_bytes() + _REMOVER.encode()
    how = draw(st.sampled_from(["bytes", "truncate", "crlf", "nul", "long", "splice"]))
    if how == "bytes":
        return draw(st.binary(max_size=400))
    if how == "truncate":
        return base[: draw(st.integers(0, len(base)))]
    if how == "crlf":
        return base.replace(b"\n", b"\r\n")
    if how == "nul":
        at = draw(st.integers(0, len(base)))
        return base[:at] + b"\0" * draw(st.integers(1, 3)) + base[at:]
    if how == "long":  # one very long line, the name inside
        return b" ".join([b"int x;"] * draw(st.integers(1000, 20000))) + _REMOVER.encode()
    at = draw(st.integers(0, len(base)))
    return base[:at] + draw(st.binary(max_size=40)) + base[at:]


@PROPERTY
@given(data=headers())
def test_any_header_is_checked_or_reported_naming_the_file(tree, data):
    code, out, err = audited_with(tree, HEADER, data)  # every bundled rule: names, regexes, guards
    assert_well_behaved(code, out, err, (HEADER, "arch/x86"))
