"""A pure-Python stand-in for the Kconfig preprocessor's ``$(shell,...)``.

The Kconfig language runs shell commands while parsing (``$(shell,...)`` and every
macro of ``scripts/Kconfig.include`` built on it: ``success``, ``failure``,
``if-success``, ``cc-option``, ``ld-option``, ``as-instr``, ``rustc-option``, the
``*-version.sh`` probes...). Running them would execute code from the audited tree,
so :func:`shell_fn` replaces kconfiglib's ``shell`` function and *interprets* the
command instead: nothing is ever executed, the answers come from one fixed model
toolchain, so every load is deterministic and the same on every host.

The model toolchain (see ``docs/kconfig.md`` for the full table):

=============================================  =================================
command                                        answer
=============================================  =================================
``scripts/cc-version.sh $(CC)``                ``GCC 140200`` (GCC 14.2.0)
``scripts/as-version.sh $(CC) ...``            ``GNU 24200`` (GNU as 2.42)
``scripts/ld-version.sh $(LD)``                ``BFD 24200`` (GNU ld 2.42)
``scripts/rustc-version.sh``,                  ``0`` (no rustc)
``rustc-llvm-version.sh``
``scripts/pahole-version.sh``                  ``0`` (no pahole)
``command -v X``                               success iff X is in ``PRESENT_TOOLS``
``X --version`` / ``X --help`` (binutils)      the GNU banner in ``TOOL_BANNERS``
``echo``, ``printf``, ``expr``, ``set --``,    evaluated in Python
``test``/``[``, ``true``, ``false``,
``head``, ``grep`` (in pipelines)
``test -e/-f/-d/...`` (file tests)             false: the file system is never probed
anything else (compiler/assembler/linker       fails with empty output: every
probes, other scripts, python, openssl ...)    ``cc-option``-style probe is "n"
=============================================  =================================

Those answers are one toolchain's; a real one answers differently. :class:`Toolchain`
keeps track of which answers came from it, so that reasoning can leave them open:

* an answer *consults the toolchain* when the command runs anything but the builtins
  above (a probe, a version script, ``command -v``, a tool banner, a file test), or
  when its text holds a toolchain answer given earlier on the same Kconfig line (a
  variable such as ``$(cc-name)`` was expanded into it);
* a ``$(success,...)``/``$(failure,...)`` (``if-success`` with ``y``/``n``) that
  consults the toolchain, on a Kconfig line that is not a variable assignment,
  expands to the name of a *probe symbol* instead of ``y``/``n``: one per distinct
  command (and form), ``kconsist_probe_<hash>``, defined by no Kconfig file; a load
  reads it as the model toolchain's answer, so every loaded value stays the same;
* any other toolchain answer (a version number, a string, a variable assigned from
  one) that reaches a config entry's line marks that symbol as *toolchain-valued*.

:mod:`kconsist.kconfig.formula` reads both as free (any toolchain) or as the model's
answer, as the question asks.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from dataclasses import dataclass, field

# Output of the version scripts of scripts/ (basename -> stdout), as the kernel's own
# scripts print them for GCC 14.2.0 and GNU binutils 2.42.
VERSION_SCRIPTS: dict[str, str] = {
    "cc-version.sh": "GCC 140200",
    "as-version.sh": "GNU 24200",
    "ld-version.sh": "BFD 24200",
    "rustc-version.sh": "0",
    "rustc-llvm-version.sh": "0",
    "pahole-version.sh": "0",
}

# Programs `command -v` finds. No clang, rustc, bindgen or pahole.
PRESENT_TOOLS: frozenset[str] = frozenset(
    {"gcc", "cc", "ld", "as", "objcopy", "objdump", "nm", "ar", "strip", "readelf", "sh"}
)

# First lines binutils print for --version/--help: they decide `X --version | head -n1
# | grep -q llvm`-style probes (X32_ABI needs a non-LLVM objcopy, HAS_LTO_CLANG an LLVM
# nm/ar).
TOOL_BANNERS: dict[str, str] = {
    "objcopy": "GNU objcopy (GNU Binutils) 2.42\n",
    "objdump": "GNU objdump (GNU Binutils) 2.42\n",
    "nm": "Usage: nm [option(s)] [file(s)]\n",
    "ar": "Usage: ar [emulation options] [-]{dmpqrstx}[abcDfilMNoOPsSTuvV] archive\n",
    "ld": "GNU ld (GNU Binutils) 2.42\n",
    "as": "GNU assembler (GNU Binutils) 2.42\n",
    "readelf": "GNU readelf (GNU Binutils) 2.42\n",
}

# `if-success` of scripts/Kconfig.include, after expansion.
_IF_SUCCESS = re.compile(
    r'^\{ (?P<cmd>.*); \} >/dev/null 2>&1 && echo "(?P<then>.*)" \|\| echo "(?P<else>.*)"$',
    re.S,
)
_OPERATORS = ("&&", "||", ";", "|")
_DUP_REDIRECT = re.compile(r"(?<![^\s])\d*>&\d+")
_REDIRECT = re.compile(r"\d*>{1,2}\S+")


@dataclass
class Result:
    out: str = ""
    ok: bool = False


@dataclass
class ShellCall:
    """One interpreted command, kept on the Kconfig object for auditing."""

    file: str
    line: int
    command: str
    output: str


@dataclass
class _Interpreter:
    """A tiny shell: lists (`;`, `&&`, `||`), pipelines and a few builtins.
    ``consulted`` is set once an answer came from the model toolchain."""

    params: list[str] = field(default_factory=list)
    consulted: bool = False

    def run(self, command: str) -> Result:
        match = _IF_SUCCESS.match(command.strip())
        if match:
            ok = self.run(match["cmd"]).ok
            return Result((match["then"] if ok else match["else"]) + "\n", True)
        try:
            tokens = _split(command)
        except ValueError:
            return Result()
        return self._run_list(tokens)

    def _run_list(self, tokens: list[str]) -> Result:
        out, last, pending = "", Result(ok=True), ";"
        pipeline: list[list[str]] = [[]]
        for token in [*tokens, ";"]:
            if token in ("&&", "||", ";"):
                if pending == ";" or (pending == "&&") == last.ok:
                    last = self._run_pipeline(pipeline)
                    out += last.out
                pipeline, pending = [[]], token
            elif token == "|":
                pipeline.append([])
            else:
                pipeline[-1].append(token)
        return Result(out, last.ok)

    def _run_pipeline(self, pipeline: list[list[str]]) -> Result:
        data, result = "", Result(ok=True)
        for words in pipeline:
            if words:
                result = self._run_simple(self._expand(words), data)
                data = result.out
        return result

    def _expand(self, words: list[str]) -> list[str]:
        # Only positional parameters ($1..$9) are expanded: that is all `set --` needs.
        def param(match: re.Match[str]) -> str:
            index = int(match[1]) - 1
            return self.params[index] if index < len(self.params) else ""

        return [re.sub(r"\$([1-9])", param, word) for word in words]

    def _run_simple(self, words: list[str], stdin: str) -> Result:
        name, args = words[0], words[1:]
        base = name.rsplit("/", 1)[-1]
        if base in VERSION_SCRIPTS:
            self.consulted = True
            return Result(VERSION_SCRIPTS[base] + "\n", VERSION_SCRIPTS[base] != "0")
        if base in TOOL_BANNERS and args in (["--version"], ["--help"], ["-v"]):
            self.consulted = True
            return Result(TOOL_BANNERS[base], True)
        builtin = _BUILTINS.get(name)
        if builtin is None:
            self.consulted = True
            return Result()  # a probe of the toolchain, or a script: never run, "n"
        if name == "command" or (name in ("test", "[") and _tests_files(args)):
            self.consulted = True  # what is installed, what exists: the host's answer
        return builtin(self, args, stdin)


def _split(command: str) -> list[str]:
    """Words and control operators of ``command`` (quotes removed, like sh)."""
    # Redirections change nothing in a model where no file is ever written.
    command = _DUP_REDIRECT.sub(" ", command)
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = ""
    tokens = [t for t in lexer if not _REDIRECT.fullmatch(t)]
    for token in tokens:
        if token and set(token) <= set(";&|") and token not in _OPERATORS:
            raise ValueError(f"unsupported operator {token!r}")
    return tokens


def _echo(_: _Interpreter, args: list[str], __: str) -> Result:
    newline = "\n"
    if args[:1] == ["-n"]:
        args, newline = args[1:], ""
    return Result(" ".join(args) + newline, True)


def _printf(_: _Interpreter, args: list[str], __: str) -> Result:
    if not args:
        return Result()
    fmt, values = args[0], list(args[1:])

    def conv(match: re.Match[str]) -> str:
        if match[0] == "%%":
            return "%"
        value = values.pop(0) if values else ""
        return _unescape(value) if match[0] == "%b" else value

    return Result(_unescape(re.sub(r"%%|%[sbd]", conv, fmt)), True)


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def _set(interp: _Interpreter, args: list[str], __: str) -> Result:
    if args[:1] == ["--"]:
        interp.params = list(args[1:])
    return Result(ok=True)


def _expr(_: _Interpreter, args: list[str], __: str) -> Result:
    ops = {"+": int.__add__, "-": int.__sub__, "*": int.__mul__, "/": int.__floordiv__}
    if len(args) != 3 or args[1] not in ops:
        return Result()
    try:
        left, right = int(args[0]), int(args[2])
        value = ops[args[1]](left, right) if args[1] != "/" or right else None
    except ValueError:
        return Result()
    if value is None:
        return Result()
    return Result(f"{value}\n", value != 0)


def _test(_: _Interpreter, args: list[str], __: str) -> Result:
    if args[-1:] == ["]"]:
        args = args[:-1]
    return Result(ok=_test_expr(args))


def _test_expr(args: list[str]) -> bool:
    if args[:1] == ["!"]:
        return not _test_expr(args[1:])
    if len(args) == 0:
        return False
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        op, value = args
        if op == "-z":
            return value == ""
        if op == "-n":
            return value != ""
        return False  # -e, -f, -d, -x ...: the file system is never probed
    if len(args) == 3:
        return _binary_test(*args)
    return False


def _binary_test(left: str, op: str, right: str) -> bool:
    if op in ("=", "=="):
        return left == right
    if op == "!=":
        return left != right
    numeric = {
        "-eq": int.__eq__,
        "-ne": int.__ne__,
        "-lt": int.__lt__,
        "-le": int.__le__,
        "-gt": int.__gt__,
        "-ge": int.__ge__,
    }
    if op not in numeric:
        return False
    try:
        return numeric[op](int(left), int(right))
    except ValueError:
        return False  # sh: "integer expression expected", status 2


def _tests_files(args: list[str]) -> bool:
    return any(a in _FILE_TESTS for a in args)


_FILE_TESTS = frozenset({"-e", "-f", "-d", "-x", "-r", "-w", "-s", "-L", "-h", "-c", "-b"})


def _command(_: _Interpreter, args: list[str], __: str) -> Result:
    if len(args) == 2 and args[0] == "-v" and args[1] in PRESENT_TOOLS:
        return Result(f"/usr/bin/{args[1]}\n", True)
    return Result()


def _head(_: _Interpreter, args: list[str], stdin: str) -> Result:
    count = 10
    joined = "".join(args)
    match = re.fullmatch(r"-n?(\d+)", joined)
    if match:
        count = int(match[1])
    lines = stdin.splitlines(keepends=True)[:count]
    return Result("".join(lines), True)


def _grep(_: _Interpreter, args: list[str], stdin: str) -> Result:
    flags = "".join(a[1:] for a in args if a.startswith("-"))
    patterns = [a for a in args if not a.startswith("-")]
    if len(patterns) != 1:
        return Result()
    needle = patterns[0].lower() if "i" in flags else patterns[0]
    hits = []
    for line in stdin.splitlines(keepends=True):
        hay = line.lower() if "i" in flags else line
        if (needle in hay) != ("v" in flags):
            hits.append(line)
    return Result("" if "q" in flags else "".join(hits), bool(hits))


_BUILTINS = {
    "echo": _echo,
    "printf": _printf,
    "set": _set,
    "expr": _expr,
    "test": _test,
    "[": _test,
    "command": _command,
    "head": _head,
    "grep": _grep,
    "true": lambda _i, _a, _s: Result(ok=True),
    ":": lambda _i, _a, _s: Result(ok=True),
    "false": lambda _i, _a, _s: Result(),
}


def evaluate(command: str) -> str:
    """What ``$(shell,command)`` expands to under the model toolchain.

    Like kconfiglib (and the C tools), newlines in the output become spaces and
    trailing newlines are dropped.
    """
    out = _Interpreter().run(command).out
    return "\n".join(out.splitlines()).rstrip("\n").replace("\n", " ")


PROBE_PREFIX = "kconsist_probe_"
# Environment variables the top Makefile sets from the toolchain (kconsist.tree sets
# the model's values): reading one is a toolchain answer too.
TOOLCHAIN_ENV = frozenset(
    {
        "CC", "LD", "NM", "AR", "OBJCOPY", "CLANG_FLAGS", "RUSTC", "BINDGEN", "PAHOLE",
        "CC_VERSION_TEXT", "RUSTC_VERSION_TEXT", "PAHOLE_VERSION", "CROSS_COMPILE_COMPAT",
        "PYTHON3", "USERCFLAGS", "USERLDFLAGS",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Probe:
    """One toolchain probe left open: the value of ``$(success,command)`` (or, with
    ``negated``, of ``$(failure,command)``); ``model`` is the model toolchain's answer,
    which every load reads."""

    command: str
    negated: bool
    model: bool

    @property
    def label(self) -> str:
        """Short text for reports: ``cc-option(-mfoo)``, ``!as-instr(...)``, ..."""
        return ("!" if self.negated else "") + probe_label(self.command)


def probe_label(command: str) -> str:
    text = " ".join(command.split())
    for pattern, name in _PROBE_LABELS:
        if m := pattern.search(text):
            return f"{name}({m[1].strip()})"
    return f"shell({text[:60]}{'...' if len(text) > 60 else ''})"


_PROBE_LABELS = (
    (re.compile(r"-Werror (.*?) -c -x c /dev/null"), "cc-option"),
    (re.compile(r'printf "%b\\n" "(.*?)" \|'), "as-instr"),
    (re.compile(r"\S*ld\S* -v (.*)$"), "ld-option"),
    (re.compile(r"\S*rustc\S* (.*?) --crate-type=rlib"), "rustc-option"),
)


@dataclass
class Toolchain:
    """Which answers of one Kconfig load came from the model toolchain (see the module
    docstring). The loader calls :meth:`begin_line` before each Kconfig line is
    expanded and :meth:`line_is_toolchain_valued` after."""

    probes: dict[str, Probe] = field(default_factory=dict)
    # assigned from a toolchain answer (and the toolchain's environment variables)
    variables: set[str] = field(default_factory=lambda: set(TOOLCHAIN_ENV))
    _open: bool = False  # may this line's probes become probe symbols?
    _answers: list[str] = field(default_factory=list)  # toolchain answers on this line
    _read: bool = False  # a toolchain variable was expanded on this line

    def begin_line(self, probes_open: bool) -> None:
        self._open = probes_open
        self._answers = []
        self._read = False

    def variable_read(self, name: str, value: str) -> None:
        if name in self.variables:
            self._read = True
            if value.strip():
                self._answers.append(value)

    def shell(self, command: str) -> str:
        interp = _Interpreter()
        match = _IF_SUCCESS.match(command.strip())
        inner = match["cmd"] if match else command
        result = interp.run(inner)
        # Over-approximated on purpose: any toolchain variable read on the line taints
        # every command of the line (a command left open is never wrong, only vaguer).
        consulted = interp.consulted or self._read or bool(self._answers)
        if match:
            branches = (match["then"], match["else"])
            if consulted and self._open and branches in (("y", "n"), ("n", "y")):
                negated = branches[0] == "n"
                return self._probe(inner, negated, result.ok != negated)
            result = Result((match["then"] if result.ok else match["else"]) + "\n", True)
        output = "\n".join(result.out.splitlines()).rstrip("\n").replace("\n", " ")
        if consulted:
            self._answers.append(output if output.strip() else "\0")  # "\0": empty
        return output

    def _probe(self, command: str, negated: bool, model: bool) -> str:
        # A name, not an expression: the macro may stand where the tokenizer wants
        # one. Its value in a load is ``model`` (see compat._tri_value).
        probe = Probe(" ".join(command.split()), negated, model)
        key = repr((probe.command, negated)).encode()
        name = PROBE_PREFIX + hashlib.sha1(key).hexdigest()[:10]
        self.probes[name] = probe
        return name

    def assigned(self, name: str) -> None:
        """A variable was assigned (immediately expanded) on this line."""
        if self._answers or self._read:
            self.variables.add(name)

    def line_is_toolchain_valued(self, words: list[str]) -> bool:
        """Whether a toolchain answer reached this line's tokens (``words``)."""
        for answer in self._answers:
            if answer == "\0" or any(answer.strip() in w for w in words if w):
                return True
        return False


def shell_fn(kconf: object, _name: str, command: str) -> str:
    """kconfiglib preprocessor function replacing ``$(shell,...)``."""
    toolchain = getattr(kconf, "toolchain", None)
    output = toolchain.shell(command) if toolchain is not None else evaluate(command)
    calls = getattr(kconf, "shell_calls", None)
    if calls is not None:
        calls.append(
            ShellCall(getattr(kconf, "filename", ""), getattr(kconf, "linenr", 0), command, output)
        )
    return output


def info_fn(kconf: object, _name: str, message: str) -> str:
    """``$(info,...)`` without printing: the message joins the warnings list."""
    warnings = getattr(kconf, "warnings", None)
    if warnings is not None:
        where = f"{getattr(kconf, 'filename', '')}:{getattr(kconf, 'linenr', 0)}"
        warnings.append(f"{where}: info: {message}")
    return ""
