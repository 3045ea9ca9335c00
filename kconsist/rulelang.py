"""The rule language: YAML files validated against ``schema/rules.schema.json``.

Every error names the rule file and the line of the offending value, so that a typo in
a rule reads like a compiler error rather than a traceback.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from kconsist import cond as c

PLACEHOLDERS = frozenset(
    {"arch", "file", "line", "location", "name", "kind", "condition", "counterexample", "rule"}
)
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
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    paths: tuple[str, ...]


@dataclass(frozen=True)
class KconfigFactSpec:
    what: str  # "select" or "symbol"
    symbol: str


FactSpec = CFactSpec | KconfigFactSpec


@dataclass(frozen=True)
class Never:
    """No configuration the arch allows may satisfy ``cond``; findings point at ``at``."""

    cond: c.Cond
    at: str | None = None


@dataclass(frozen=True)
class Forbid:
    """Every instance of fact ``fact`` is a finding."""

    fact: str


Check = Never | Forbid


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
    """The rules shipped with kconsist: the checkout's rules/, or the installed copy
    (pyproject maps rules/ to the package kconsist.bundled_rules)."""
    checkout = Path(__file__).resolve().parent.parent / "rules"
    if checkout.is_dir():
        return checkout
    return Path(__file__).resolve().parent / "bundled_rules"


def rule_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted([*p.glob("*.yaml"), *p.glob("*.yml")]))
        elif p.exists():
            out.append(p)
        else:
            raise RuleError("no such rule file or directory", str(p))
    return out


def load_rules(paths: list[Path] | None = None) -> list[Rule]:
    """Load rule files (directories: their *.yaml); default: the bundled rules."""
    files = rule_files(paths or [bundled_rules_dir()])
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for f in files:
        for rule in load_rule_file(f):
            if rule.id in seen:
                first = seen[rule.id]
                raise RuleError(
                    f"duplicate rule id '{rule.id}' (first at {first.file}:{first.line})",
                    rule.file,
                    rule.line,
                )
            seen[rule.id] = rule
            rules.append(rule)
    return rules


def load_rule_file(path: Path) -> list[Rule]:
    name = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise RuleError(f"YAML syntax error: {e.problem or e.context}", name, line) from None
    except (OSError, UnicodeDecodeError) as e:
        raise RuleError(f"cannot read rule file: {e}", name) from None
    _validate(data, name)
    return [_rule(r, path) for r in data["rules"]]


def _validate(data: Any, name: str) -> None:
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


def _rule(raw: _Map, path: Path) -> Rule:
    name = str(path)
    line = raw.line
    facts = {k: _fact(v) for k, v in (raw.get("facts") or {}).items()}
    check = _check(raw["check"], facts, name, _line_of(raw, ["check", next(iter(raw["check"]))]))
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
        fix=_fix(raw.get("fix"), facts, name, _line_of(raw, ["fix"])),
        examples=tuple((path.parent / e).resolve() for e in raw.get("examples", ())),
    )


@cache
def path_glob(pattern: str) -> re.Pattern[str]:
    """What a fact's ``paths`` glob matches (tree-relative, ``{arch}`` already replaced):
    ``**`` spans directories, ``*`` and ``?`` do not."""
    out = []
    for token in re.split(r"(\*\*|\*|\?)", pattern):
        out.append({"**": ".*", "*": "[^/]*", "?": "[^/]"}.get(token, re.escape(token)))
    return re.compile("".join(out))


def _fact(raw: dict[str, Any]) -> FactSpec:
    if "c" in raw:
        spec = raw["c"]
        return CFactSpec(
            names=tuple(spec["names"]),
            kinds=tuple(spec.get("kinds", ("function", "prototype", "macro"))),
            paths=tuple(spec.get("paths", ("arch/{arch}/**",))),
        )
    ((what, symbol),) = raw["kconfig"].items()
    return KconfigFactSpec(what=what, symbol=symbol)


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
