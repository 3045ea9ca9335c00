"""The rule language: YAML files validated against ``schema/rules.schema.json``.

Every error names the rule file and the line of the offending value, so that a typo in
a rule reads like a compiler error rather than a traceback.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import string
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kconsist import cond as c
from kconsist import verdicts

if TYPE_CHECKING:
    import jsonschema
    import yaml

PLACEHOLDERS = frozenset(
    {
        "arch",
        "file",
        "line",
        "location",
        "name",
        "kind",
        "condition",
        "counterexample",
        "rule",
        "blocker",
    }
)
# ``{x}``, ``{x|upper}``, ``{x|lower}``, ``{x|kebab}`` (lower case, ``_`` as ``-``, for
# rule ids): a value of the rule's ``for-each`` row.
_TEMPLATE = re.compile(r"\{([a-z_][a-z0-9_]*)(?:\|(upper|lower|kebab))?\}")
_RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SEVERITIES = ("error", "warning", "info")


class RuleError(Exception):
    """A rule file that cannot be used: message with file and line."""

    def __init__(self, message: str, file: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class CFactSpec:
    """Definitions, prototypes and macros, calls and references (``kinds``) of
    ``names`` (or of every name ``regex`` matches in full) in the files ``paths``
    match."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]
    paths: tuple[str, ...]
    regex: str | None = None
    untested: bool = False  # only names no preprocessor test of the tree mentions
    # Also the include/asm-generic headers that the arch headers among ``paths`` (or
    # the Kbuild wrappers that stand for them) include.
    asm_generic: bool = False

    def wants(self, name: str) -> bool:
        return name in self.names or bool(self.regex and re.fullmatch(self.regex, name))


@dataclass(frozen=True)
class GuardFactSpec:
    """``#if``/``#ifdef``/``#ifndef``/``#elif`` lines that test a ``CONFIG_`` symbol
    whose name (without ``CONFIG_``) ``regex`` matches in full; the fact's condition is
    that of the branch the line opens."""

    paths: tuple[str, ...]
    regex: str = r"\w+"
    undefined: bool = False  # only tests of symbols defined nowhere (see the schema)


@dataclass(frozen=True)
class KconfigFactSpec:
    """``select``/``imply`` sites of ``symbol`` (or of every symbol ``regex`` matches),
    or the definitions of ``symbol``; ``paths`` limits the Kconfig files (default: all)."""

    what: str  # "select", "imply" or "symbol"
    symbol: str | None
    regex: str | None = None
    paths: tuple[str, ...] = ()

    def wants(self, name: str) -> bool:
        return name == self.symbol or bool(self.regex and re.fullmatch(self.regex, name))


FactSpec = CFactSpec | GuardFactSpec | KconfigFactSpec


@dataclass(frozen=True)
class Never:
    """No configuration the arch allows may satisfy ``cond``; findings point at ``at``."""

    cond: c.Cond
    at: str | None = None


@dataclass(frozen=True)
class Forbid:
    """Every instance of fact ``fact`` is a finding."""

    fact: str


@dataclass(frozen=True)
class Possible:
    """The condition of each instance of fact ``fact`` must be satisfiable on the arch
    (where the condition around it is): an instance that can never be in effect is a
    finding, with what blocks it."""

    fact: str


Check = Never | Forbid | Possible


@dataclass(frozen=True)
class SelectFix:
    """Add or correct ``select symbol [if COND]``, COND derived from ``when``, in the
    arch's config entry that selects ``after``."""

    symbol: str
    when: c.Cond
    after: str | None = None


@dataclass(frozen=True)
class DeleteFix:
    """Delete the lines of every instance of fact ``fact``."""

    fact: str


Fix = SelectFix | DeleteFix


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    message: str
    check: Check
    facts: dict[str, FactSpec]
    file: str
    line: int
    description: str = ""
    include_arches: tuple[str, ...] = ()
    exclude_arches: tuple[str, ...] = ()
    requires_symbols: tuple[str, ...] = ()
    fix: Fix | None = None
    examples: tuple[Path, ...] = ()
    binding: tuple[tuple[str, str], ...] = ()  # the for-each row this rule was made from
    symbols: tuple[tuple[str, int], ...] = ()  # Kconfig symbols the rule names, with lines
    # A family per instance: the named groups of the regex of the fact the check points
    # at; each instance binds them and the rule is checked as ``bind`` makes it.
    captures: tuple[str, ...] = ()
    source: Any = None  # the rule as written (for-each row filled in), for ``bind``

    def applies_to(self, arch: str) -> bool:
        if self.include_arches and arch not in self.include_arches:
            return False
        return arch not in self.exclude_arches


# -- YAML with line numbers -------------------------------------------------------


class _Map(dict):
    """A mapping that remembers the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _List(list):
    line: int = 0


@cache
def _line_loader() -> Any:
    """The YAML loader that keeps lines; yaml (like jsonschema) is imported only when a
    rule file is parsed, not when its rules come from the cache."""
    import yaml

    class _LineLoader(yaml.SafeLoader):
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Map:
            out = _Map(super().construct_mapping(node, deep=True))
            out.line = node.start_mark.line + 1
            out.key_lines = {
                str(self.construct_object(k)): k.start_mark.line + 1 for k, _ in node.value
            }
            return out

        def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> _List:
            out = _List(super().construct_sequence(node, deep=True))
            out.line = node.start_mark.line + 1
            return out

    _LineLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
    )
    _LineLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence
    )
    return _LineLoader


def _line_of(data: Any, path: list[Any]) -> int | None:
    """Line of the value at ``path`` (the deepest container that knows it)."""
    line = getattr(data, "line", None)
    node = data
    for key in path:
        if isinstance(node, _Map) and key in node:
            line = node.key_lines.get(str(key), line)
            node = node[key]
        elif isinstance(node, _List) and isinstance(key, int) and key < len(node):
            node = node[key]
            line = getattr(node, "line", line)
        else:
            break
    return line


@cache
def schema() -> dict[str, Any]:
    text = resources.files("kconsist").joinpath("schema/rules.schema.json").read_text()
    return json.loads(text)


# -- loading ----------------------------------------------------------------------


def bundled_rules_dir() -> Path:
    """The rules shipped with kconsist (and, beside them, ``examples/``)."""
    return bundled("rules")


def bundled(name: str) -> Path:
    """A directory shipped with kconsist: installed, the package ``kconsist.<name>``
    (pyproject maps the checkout's ``rules/`` and ``examples/`` to it); run from a
    checkout that is not installed, the checkout's own directory. Never a directory
    found beside the package by accident (``site-packages/rules``)."""
    spec = importlib.util.find_spec(f"kconsist.{name}")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    checkout = Path(__file__).resolve().parent.parent
    pyproject = checkout / "pyproject.toml"
    if (
        pyproject.is_file()
        and 'name = "kconsist"' in pyproject.read_text()
        and (checkout / name).is_dir()
    ):
        return checkout / name
    raise RuleError(f"kconsist's bundled {name}/ is not installed", str(checkout / name))


def rule_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
            if not found:
                raise RuleError("no rule files (*.yaml, *.yml) in this directory", str(p))
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise RuleError("no such rule file or directory", str(p))
    return out


def load_rules(paths: list[Path] | None = None, cached: bool = False) -> list[Rule]:
    """Load rule files (directories: their *.yaml); default: the bundled rules.
    ``cached``: each file's rules kept in the cache directory (:func:`load_rule_file`)."""
    files = rule_files(paths or [bundled_rules_dir()])
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for f in files:
        for rule in load_rule_file(f, cached):
            if rule.id in seen and (seen[rule.id].file, seen[rule.id].line) != (
                rule.file,
                rule.line,
            ):
                first = seen[rule.id]
                raise RuleError(
                    f"duplicate rule id '{rule.id}' (first at {first.file}:{first.line})",
                    rule.file,
                    rule.line,
                )
            seen[rule.id] = rule
            rules.append(rule)
    return rules


# Anchors and aliases are fine (a family table shared by two rules); what they expand
# to is bounded, so a "billion laughs" file is refused at once instead of exhausting
# memory in validation.
MAX_YAML_NODES = 100_000


def _load_yaml(text: str, name: str) -> Any:
    loader = _line_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _bounded(node, name)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _bounded(root: yaml.Node, name: str) -> None:
    """Refuse a document whose aliases expand to more than MAX_YAML_NODES nodes
    (counted without expanding them: each node's size once)."""
    import yaml

    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        sizes[id(node)] = 1  # a cycle (recursive alias) counts once
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(n) for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        if total > MAX_YAML_NODES:
            raise RuleError(
                f"YAML aliases expand to more than {MAX_YAML_NODES} nodes",
                name,
                node.start_mark.line + 1,
            )
        sizes[id(node)] = total
        return total

    size(root)


def load_rule_file(path: Path, cached: bool = False) -> list[Rule]:
    """The rules of one file. ``cached``: kept in the cache directory, keyed by
    kconsist's code and the file's path and bytes (:func:`kconsist.verdicts.memo`), so
    that a later run neither parses nor validates it again; a file that does not load
    is never kept (its error is reported each time)."""
    if cached:
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        except (OSError, UnicodeDecodeError):
            return load_rule_file(path)  # reported as a file that cannot be read
        key = str(path).encode("utf-8", "surrogateescape") + b"\0" + raw
        rules: list[Rule] = verdicts.memo("rules", key, lambda: _rules_of(path, text))
        return rules
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise RuleError(f"cannot read rule file: {e}", str(path)) from None
    return _rules_of(path, text)


def _rules_of(path: Path, text: str) -> list[Rule]:
    import yaml

    name = str(path)
    try:
        data = _load_yaml(text, name)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise RuleError(f"YAML syntax error: {e.problem or e.context}", name, line) from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow
        line = text.count("\n", 0, e.position) + 1
        code = e.character if isinstance(e.character, int) else ord(e.character[:1] or " ")
        message = f"YAML syntax error: {e.reason} (character U+{code:04X})"
        raise RuleError(message, name, line) from None
    except yaml.YAMLError as e:
        raise RuleError(f"YAML syntax error: {e}", name) from None
    _validate(data, name)
    return [_rule(row, path, binding) for r in data["rules"] for row, binding in _rows(r, name)]


# -- families: one rule, one row of values per member -----------------------------


def _rows(raw: _Map, file: str) -> list[tuple[_Map, tuple[tuple[str, str], ...]]]:
    """The rule once per ``for-each`` row, templates replaced (once, unchanged, without)."""
    table = raw.get("for-each")
    if table is None:
        return [(raw, ())]
    keep = _capture_names(raw)
    keys = set(table[0])
    out = []
    for i, row in enumerate(table):
        line = _line_of(raw, ["for-each", i])
        if set(row) != keys:
            raise RuleError(
                f"for-each row has keys {sorted(row)}, the first row {sorted(keys)}", file, line
            )
        if clash := keys & PLACEHOLDERS:
            raise RuleError(
                f"for-each key {sorted(clash)[0]!r} is a message placeholder", file, line
            )
        binding = {k: str(v) for k, v in row.items()}
        if clash := keys & set(keep):
            raise RuleError(
                f"for-each key {sorted(clash)[0]!r} is also a regex group of a fact", file, line
            )
        out.append((_substitute(raw, binding, file, keep=keep), tuple(sorted(binding.items()))))
    return out


def _substitute(
    node: Any,
    binding: dict[str, str],
    file: str,
    line: int | None = None,
    keep: tuple[str, ...] = (),
) -> Any:
    """``node`` with each ``{key}`` / ``{key|upper}`` / ``{key|lower}`` of ``binding``
    replaced in every string (the message keeps its own placeholders, and templates of
    the ``keep`` captures are left for ``bind``); line numbers kept, so later errors
    still point into the rule file."""
    if isinstance(node, _Map):
        out = _Map()
        out.line, out.key_lines = node.line, node.key_lines
        for k, v in node.items():
            here = node.key_lines.get(str(k), line)
            out[k] = v if k == "for-each" else _substitute(v, binding, file, here, keep)
        return out
    if isinstance(node, _List):
        items = _List(_substitute(v, binding, file, getattr(v, "line", line), keep) for v in node)
        items.line = node.line
        return items
    if isinstance(node, str):
        return _TEMPLATE.sub(lambda m: _fill(m, binding, file, line, keep), node)
    return node


def _fill(
    m: re.Match[str],
    binding: dict[str, str],
    file: str,
    line: int | None,
    keep: tuple[str, ...] = (),
) -> str:
    key, case = m.group(1), m.group(2)
    if key not in binding:
        if not case or key in keep:
            return m.group(0)  # {arch} in paths, {name} in messages: filled later
        raise RuleError(
            f"unknown template {m.group(0)} (for-each keys: {', '.join(binding)})", file, line
        )
    value = binding[key]
    if case == "kebab":
        return value.lower().replace("_", "-")
    return value.upper() if case == "upper" else value.lower() if case == "lower" else value


def _validate(data: Any, name: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    err = _explaining(min(errors, key=lambda e: len(list(e.absolute_path))))
    path = list(err.absolute_path)
    where = "/".join(str(p) for p in path) or "top level"
    extra = re.findall(r"'([^']+)' was unexpected", err.message)
    if err.validator == "additionalProperties" and extra:
        path.append(extra[0])  # point at the unknown key itself
    raise RuleError(f"{_describe(err)} (at {where})", name, _line_of(data, path))


def _explaining(err: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For a failed oneOf, the alternative that got furthest explains the mistake best."""
    while err.validator == "oneOf" and err.context:
        err = max(
            err.context,
            key=lambda e: (len(list(e.absolute_path)), e.validator == "additionalProperties"),
        )
    return err


def _describe(err: jsonschema.ValidationError) -> str:
    if err.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)' was unexpected", err.message)
        allowed = sorted(err.schema.get("properties", {}))
        return f"unknown key {', '.join(map(repr, extra))}; allowed: {', '.join(allowed)}"
    return err.message


# What a capture stands for while a per-instance family is checked for mistakes at load
# time; symbols containing it are not asked about (``requires``, typos) until ``bind``.
_PROBE = "KCONSIST_CAPTURE_"


def _capture_names(raw: _Map) -> tuple[str, ...]:
    """The named groups of the regexes of the rule's facts (``(?P<x>...)``)."""
    out: list[str] = []
    for spec in (raw.get("facts") or {}).values():
        body = next(iter(spec.values())) if isinstance(spec, dict) and spec else {}
        for key in ("names", "select", "imply"):
            target = body.get(key) if isinstance(body, dict) else None
            if isinstance(target, dict) and isinstance(target.get("regex"), str):
                with contextlib.suppress(re.error):  # reported where the regex is read
                    out += list(re.compile(target["regex"]).groupindex)
    return tuple(dict.fromkeys(out))


def _rule(raw: _Map, path: Path, binding: tuple[tuple[str, str], ...] = ()) -> Rule:
    captures = _capture_names(raw)
    if not captures:
        return _concrete_rule(raw, path, binding)
    # Check the rule once with stand-ins for the captures; each instance binds them.
    probe = {g: f"{_PROBE}{g.upper()}" for g in captures}
    rule = _concrete_rule(_substitute(raw, probe, str(path)), path, binding)
    at = at_fact(rule)
    spec = rule.facts.get(at or "")
    groups = set(re.compile(spec.regex).groupindex) if spec and spec.regex else set()
    if missing := [g for g in captures if g not in groups]:
        raise RuleError(
            f"regex group {missing[0]!r} must be in the regex of the fact the check points "
            f"at ({at or 'none'})",
            str(path),
            _line_of(raw, ["check"]),
        )
    requires = tuple(s for s in rule.requires_symbols if _PROBE not in s)
    return replace(rule, captures=captures, source=raw, symbols=(), requires_symbols=requires)


def at_fact(rule: Rule) -> str | None:
    match rule.check:
        case Never(at=at):
            return at
        case Forbid(fact) | Possible(fact):
            return fact
    return None


_BOUND: dict[tuple[object, ...], Rule] = {}


def capture_of(rule: Rule, name: str) -> tuple[tuple[str, str], ...]:
    """What the instance ``name`` of a per-instance family binds its captures to."""
    spec = rule.facts[at_fact(rule) or ""]
    m = re.fullmatch(spec.regex or "", name)
    return tuple((g, (m.group(g) if m else "") or "") for g in rule.captures)


def bound(rule: Rule, capture: tuple[tuple[str, str], ...], names: tuple[str, ...]) -> Rule:
    """The rule of a per-instance family for one binding of its captures: every template
    filled in, the fact the check points at limited to ``names`` (the instances'
    names with that binding), symbols and requirements asked about as usual."""
    key = (rule.file, rule.line, rule.binding, capture, names)
    if key not in _BOUND:
        raw = _substitute(rule.source, dict(capture), rule.file)
        out = _concrete_rule(raw, Path(rule.file), rule.binding + capture)
        at = at_fact(out) or ""
        spec = out.facts[at]
        if isinstance(spec, CFactSpec):
            spec = replace(spec, names=names, regex=None)
        elif isinstance(spec, KconfigFactSpec):
            spec = replace(spec, symbol=None, regex="|".join(re.escape(n) for n in names))
        _BOUND[key] = replace(out, facts={**out.facts, at: spec})
    return _BOUND[key]


def _concrete_rule(raw: _Map, path: Path, binding: tuple[tuple[str, str], ...] = ()) -> Rule:
    name = str(path)
    line = raw.line
    if not _RULE_ID.fullmatch(raw["id"]):  # a family's id, once its row is filled in
        raise RuleError(f"rule id {raw['id']!r} is not of the form [a-z0-9-]+", name, line)
    raw_facts = raw.get("facts") or {}
    facts = {k: _fact(v, name, _line_of(raw, ["facts", k])) for k, v in raw_facts.items()}
    check_line = _line_of(raw, ["check", next(iter(raw["check"]))])
    check = _check(raw["check"], facts, name, check_line)
    _check_message(raw["message"], name, _line_of(raw, ["message"]))
    arches = raw.get("arches") or {}
    requires = raw.get("requires") or {}
    return Rule(
        id=raw["id"],
        severity=raw["severity"],
        message=" ".join(raw["message"].split()),
        description=raw.get("description", ""),
        check=check,
        facts=facts,
        file=name,
        line=line,
        include_arches=tuple(arches.get("include", ())),
        exclude_arches=tuple(arches.get("exclude", ())),
        requires_symbols=tuple(requires.get("symbols", ())),
        fix=(fix := _fix(raw.get("fix"), facts, name, _line_of(raw, ["fix"]))),
        examples=tuple((path.parent / e).resolve() for e in raw.get("examples", ())),
        binding=binding,
        symbols=_named_symbols(raw, check, fix, facts, name),
    )


def _named_symbols(
    raw: _Map, check: Check, fix: Fix | None, facts: dict[str, FactSpec], file: str
) -> tuple[tuple[str, int], ...]:
    """Every Kconfig symbol the rule names, with the line naming it: a symbol no
    Kconfig file of the tree defines is a typo unless the rule ``requires`` it."""
    out: dict[str, int] = {}

    def add(names: list[str], path: list[Any]) -> None:
        for n in names:
            out.setdefault(n, _line_of(raw, path) or raw.line)

    if isinstance(check, Never):
        add(c.symbols(check.cond), ["check", "never"])
    if isinstance(fix, SelectFix):
        add([fix.symbol, *c.symbols(fix.when)] + ([fix.after] if fix.after else []), ["fix"])
    for key, spec in facts.items():
        if isinstance(spec, KconfigFactSpec) and spec.symbol:
            add([spec.symbol], ["facts", key])
    required = set((raw.get("requires") or {}).get("symbols", ()))
    return tuple((n, line) for n, line in out.items() if n not in required)


@lru_cache(maxsize=1024)  # patterns x arches of the loaded rules; bounded all the same
def path_glob(pattern: str) -> re.Pattern[str]:
    """What a fact's ``paths`` glob matches (tree-relative, ``{arch}`` already replaced):
    ``**`` spans directories, ``*`` and ``?`` do not. Any other byte of a name, a newline
    included (``re.S``), is matched like a letter: no file is missed for its name."""
    out = []
    for token in re.split(r"(\*\*|\*|\?)", pattern):
        out.append({"**": ".*", "*": "[^/]*", "?": "[^/]"}.get(token, re.escape(token)))
    return re.compile("".join(out), re.S)


def _fact(raw: dict[str, Any], file: str, line: int | None) -> FactSpec:
    kind = next(iter(raw))
    spec = raw[kind]

    def at(key: str) -> int | None:
        return _line_of(spec, [key]) if key in spec else line

    paths = _paths(spec, file, at("paths"), () if kind == "kconfig" else ("arch/{arch}/**",))
    if kind == "c":
        names = spec["names"]
        regex = _regex(names["regex"], file, at("names")) if isinstance(names, dict) else None
        listed = () if isinstance(names, dict) else tuple(names)
        for n in listed:
            _need_identifier(n, file, at("names"))
        kinds = tuple(spec.get("kinds", ("function", "prototype", "macro")))
        untested = bool(spec.get("untested"))
        return CFactSpec(listed, kinds, paths, regex, untested, bool(spec.get("asm-generic")))
    if kind == "guard":
        regex = _regex(spec.get("symbols", {}).get("regex", r"\w+"), file, at("symbols"))
        return GuardFactSpec(paths=paths, regex=regex, undefined=bool(spec.get("undefined")))
    what = next(k for k in ("select", "imply", "symbol") if k in spec)
    target = spec[what]
    if isinstance(target, dict):
        return KconfigFactSpec(what, None, _regex(target["regex"], file, at(what)), paths)
    _need_identifier(target, file, at(what))
    return KconfigFactSpec(what, target, None, paths)


def _paths(
    spec: dict[str, Any], file: str, line: int | None, default: tuple[str, ...]
) -> tuple[str, ...]:
    paths = tuple(spec.get("paths", default))
    for p in paths:
        if leftover := [t for t in _TEMPLATE.findall(p) if t != ("arch", "")]:
            raise RuleError(f"unknown template {{{leftover[0][0]}}} in path {p!r}", file, line)
        if why := _outside_tree(p):
            raise RuleError(f"path {p!r} {why}: paths are globs inside the tree", file, line)
    return paths


def _outside_tree(glob: str) -> str:
    """Why ``glob`` can name a file outside the tree ("" when it cannot)."""
    if glob.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", glob):
        return "is absolute"
    if ".." in re.split(r"[/\\]", glob):
        return "has a '..' component"
    if "\0" in glob:
        return "has a NUL character"
    return ""


def _regex(text: str, file: str, line: int | None) -> str:
    try:
        re.compile(text)
    except re.error as e:
        raise RuleError(f"bad regex {text!r}: {e}", file, line) from None
    return text


def _need_identifier(name: str, file: str, line: int | None) -> None:
    if not _IDENT.fullmatch(name):
        raise RuleError(f"{name!r} is not a C or Kconfig name", file, line)


def _condition(text: str, facts: dict[str, FactSpec], file: str, line: int | None) -> c.Cond:
    try:
        parsed = c.parse(text)
    except c.CondSyntaxError as e:
        raise RuleError(f"bad condition {text!r}: {e}", file, line) from None
    for ref in (n for n in c.walk(parsed) if isinstance(n, c.Ref)):
        if ref.name not in facts:
            raise RuleError(f"condition names unknown fact ${ref.name}", file, line)
    return parsed


def _check(raw: dict[str, Any], facts: dict[str, FactSpec], file: str, line: int | None) -> Check:
    if "forbid" in raw:
        _need_fact(raw["forbid"], facts, file, line)
        return Forbid(raw["forbid"])
    if "possible" in raw:
        _need_fact(raw["possible"], facts, file, line)
        return Possible(raw["possible"])
    never = _condition(raw["never"], facts, file, line)
    at = raw.get("at") or next((n.name for n in c.walk(never) if isinstance(n, c.Ref)), None)
    if at is not None:
        _need_fact(at, facts, file, line)
    return Never(never, at)


def _fix(
    raw: dict[str, Any] | None, facts: dict[str, FactSpec], file: str, line: int | None
) -> Fix | None:
    if raw is None:
        return None
    if "delete" in raw:
        _need_fact(raw["delete"], facts, file, line)
        return DeleteFix(raw["delete"])
    sel = raw["select"]
    return SelectFix(sel["symbol"], _condition(sel["when"], facts, file, line), sel.get("after"))


def _need_fact(name: str, facts: dict[str, FactSpec], file: str, line: int | None) -> None:
    if name not in facts:
        raise RuleError(f"unknown fact '{name}' (facts: {', '.join(facts) or 'none'})", file, line)


def _check_message(message: str, file: str, line: int | None) -> None:
    for _, field, _, _ in string.Formatter().parse(message):
        if field is not None and field not in PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
            raise RuleError(
                f"unknown placeholder {{{field}}} in message (known: {known})", file, line
            )
