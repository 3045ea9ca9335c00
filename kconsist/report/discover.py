"""A :class:`Discovery` as rule YAML: one family rule per kind of switch, one ``for-each``
row per candidate pair, with the arches on either side as a comment above the row.
The output is a rule file (it validates against the schema and loads with ``audit
--rules``); a pair is kept in the pack once its rule is read finding by finding."""

from __future__ import annotations

import json

from kconsist.findings import Candidate, Discovery
from kconsist.report.registry import register

_HEADER = """\
# yaml-language-server: $schema=https://kconsist.invalid/schema/rules.schema.json
#
# Candidate pairs that `kconsist discover` derived from {tree}: a generic fallback in
# include/ and the switch that turns it off for an arch that brings its own. Each row
# says how many arches define the function and how many opt in. Not checked yet: read
# the findings of a row on a real tree before keeping it in a rule pack.
rules:
"""

# kind -> (id, description, message, facts, check)
_RULES = {
    "config": (
        "discovered-{fn|kebab}-{sym|kebab}",
        "{generic} supplies a fallback {fn}() unless CONFIG_{sym} is set: an arch"
        " definition compiled while {sym} is n collides with it or is replaced by it.",
        "{arch} defines its own {name}() ({kind} at {location}, compiled when {condition})"
        " but {sym} is n there, so the fallback in {generic} is compiled too: {counterexample}",
        '      own: {c: {names: ["{fn}"], kinds: [function, macro]}}\n',
        '      never: "$own && !{sym}"\n',
    ),
    "flag": (
        "discovered-{fn|kebab}-{sym|kebab}",
        "{generic} supplies a fallback {fn}() unless {sym} is defined: an arch"
        " definition without the flag collides with it.",
        "{arch} defines its own {name}() ({location}, compiled when {condition}) where it"
        " does not define {sym}, so the fallback in {generic} is compiled too: {counterexample}",
        '      own: {c: {names: ["{fn}"], kinds: [function]}}\n'
        '      flag: {c: {names: ["{sym}"], kinds: [macro]}}\n',
        '      never: "$own && !$flag"\n      at: own\n',
    ),
}
_RULES["name"] = (
    "discovered-{fn|kebab}-own",
    "{generic} supplies a fallback {fn}() unless {fn} is a macro: an arch function"
    " without '#define {fn} {fn}' collides with it.",
    *_RULES["flag"][2:],
)
_NOTE = {"config": "selected", "flag": "defined", "name": "#defined"}


def _arches(names: tuple[str, ...]) -> str:
    return f"{len(names)} arches ({' '.join(names)})" if names else "0 arches"


@register(Discovery, "yaml")
def yaml_text(found: Discovery) -> str:
    out = [_HEADER.format(tree=found.tree)]
    for kind in ("config", "flag", "name"):
        rows = [x for x in found.candidates if x.kind == kind]
        if rows:
            out.append(_rule(kind, rows))
    if len(out) == 1:
        out.append("  []\n")
        out[0] = out[0].replace("rules:\n", "rules:")
    return "".join(out)


def _rule(kind: str, rows: list[Candidate]) -> str:
    rule_id, description, message, facts, check = _RULES[kind]
    text = [
        f"  - id: {json.dumps(rule_id)}\n",
        "    severity: warning\n",
        f"    description: {json.dumps(description)}\n",
        f"    message: {json.dumps(message)}\n",
    ]
    if kind == "config":
        text.append('    requires: {symbols: ["{sym}"]}\n')
    text.append("    for-each:\n")
    for x in rows:
        text.append(
            f"      # {x.fn} defined by {_arches(x.override)};"
            f" {x.symbol} {_NOTE[kind]} by {_arches(x.opt_in)}\n"
        )
        row = {"fn": x.fn, "sym": x.symbol, "generic": f"{x.file}:{x.line}"}
        text.append(f"      - {json.dumps(row)}\n")
    text += ["    facts:\n", facts, "    check:\n", check]
    return "".join(text)
