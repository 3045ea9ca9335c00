"""Rule tests, in the spirit of ``semgrep --test`` and ``ast-grep test``.

Each rule lists example trees. In an example, a comment (in any C or Kconfig file)
says what the rule does at the next line:

* ``kconsist-expect: RULE-ID``: reports a finding (semgrep's ``ruleid:``);
* ``kconsist-ok: RULE-ID``: reports none (``ok:``), for the near misses worth pinning;
* ``kconsist-todo: RULE-ID``: should report one but does not yet (``todoruleid:``); the
  example fails once it does, so that the marker becomes an expectation.

Every finding must be expected and every expectation met. A rule without examples,
a run without any example, and a rule whose ``arches: include`` names an arch none of
its examples has are failures too: a test that cannot fail is no test.

An example directory with a file ``kconsist-base`` is a variant: that file names
(relative to it) a base tree, and the example's other files replace the base's files
of the same path, in memory. Only the arches a variant's own files are under are
checked (all of them when it changes a file outside ``arch/``), and markers are read
from the example chain's own directories, not from a base that is a whole kernel
tree, so that a one-arch case over a real tree stays a one-arch run.

A rule with a ``fix`` may ship, next to a file of a variant, ``FILE.fixed``: what
``kconsist fix`` must make of FILE, byte for byte.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from kconsist import engine, fix
from kconsist.findings import InputError
from kconsist.rulelang import Rule
from kconsist.tree import KernelTree, TreeError

BASE_FILE = "kconsist-base"
FIXED_SUFFIX = ".fixed"
_MARKER = re.compile(r"kconsist-(expect|ok|todo):\s*([a-z0-9][a-z0-9-]*)")
_MINI_TREE_FILES = 2000  # a base with more files is a kernel tree: its markers are not read

Key = tuple[str, str, int]  # rule, file, line


@dataclass
class Markers:
    expect: set[Key] = field(default_factory=set)
    ok: set[Key] = field(default_factory=set)
    todo: set[Key] = field(default_factory=set)


@dataclass
class ExampleOutcome:
    rule: str
    example: Path
    missing: list[Key] = field(default_factory=list)
    unexpected: list[Key] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    todo: int = 0  # markers of findings not reported yet, as they say

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.errors or self.problems)


@dataclass
class Outcome:
    examples: list[ExampleOutcome]
    problems: list[str] = field(default_factory=list)  # about rules, not examples

    @property
    def ok(self) -> bool:
        return bool(self.examples) and not self.problems and all(e.ok for e in self.examples)

    def text(self) -> str:
        lines = [f"FAIL {p}" for p in self.problems]
        for e in self.examples:
            lines.append(f"{'ok  ' if e.ok else 'FAIL'} {e.rule} {e.example}")
            lines += [f"     missing finding: {f}:{n}" for _, f, n in e.missing]
            lines += [f"     unexpected finding: {f}:{n}" for _, f, n in e.unexpected]
            lines += [f"     input error: {x.file}:{x.line}: {x.message}" for x in e.errors]
            lines += [f"     {p}" for p in e.problems]
        if not self.examples:
            lines.append("FAIL no rule example ran")
        passed = sum(e.ok for e in self.examples)
        todo = sum(e.todo for e in self.examples)
        failed = len(self.examples) - passed + len(self.problems)
        lines.append(f"{passed} passed, {failed} failed" + (f", {todo} todo" if todo else ""))
        return "\n".join(lines) + "\n"


# -- example trees -----------------------------------------------------------------


def chain(path: Path) -> list[Path]:
    """The example directory, then its base, the base's base, ... (a plain tree last)."""
    out = [path]
    while (out[-1] / BASE_FILE).is_file():
        base = (out[-1] / (out[-1] / BASE_FILE).read_text().strip()).resolve()
        if base in out:
            raise TreeError(f"{BASE_FILE} chain loops back to {base}", file=str(out[-1]))
        out.append(base)
    return out


def example_tree(path: Path) -> KernelTree:
    """The tree of an example directory (a variant laid over its base)."""
    dirs = chain(path)
    tree = KernelTree.open(dirs[-1])
    for variant in reversed(dirs[:-1]):
        tree = tree.with_overlay({rel: (variant / rel).read_text() for rel in own_files(variant)})
    return tree


def own_files(variant: Path) -> list[str]:
    """The files a variant directory lays over its base."""
    return [rel for rel in _files(variant) if rel != BASE_FILE and not rel.endswith(FIXED_SUFFIX)]


def _files(root: Path) -> list[str]:
    out = []
    for dirpath, _, names in os.walk(root):
        out += [Path(dirpath, n).relative_to(root).as_posix() for n in names]
    return sorted(out)


def needed_arches(tree: KernelTree, path: Path) -> list[str]:
    """The arches an example is about: those its variants' files are under, or all of
    them for a plain tree or a variant that changes a file outside ``arch/``."""
    known = tree.arches()
    changed = [rel for d in chain(path)[:-1] for rel in own_files(d)]
    if not changed or any(not rel.startswith("arch/") for rel in changed):
        return known
    return sorted({rel.split("/")[1] for rel in changed} & set(known))


def markers(tree: KernelTree, path: Path, rule_id: str, arches: list[str]) -> Markers:
    """The markers for ``rule_id`` in the files of the example chain (see the module
    docstring), as the tree has them, in files the arches checked can report in."""
    found = Markers()
    for rel in sorted(_marker_files(path)):
        if rel.startswith("arch/") and rel.split("/")[1] not in arches:
            continue
        try:
            text = tree.read_text(rel)
        except TreeError:
            continue  # deleted by a variant
        for i, line in enumerate(text.splitlines(), start=1):
            for m in _MARKER.finditer(line):
                if m.group(2) == rule_id:
                    getattr(found, m.group(1)).add((rule_id, rel, i + 1))
    return found


def _marker_files(path: Path) -> set[str]:
    dirs = chain(path)
    out = {rel for d in dirs[:-1] for rel in own_files(d)}
    base = _files(dirs[-1])
    if len(base) <= _MINI_TREE_FILES:
        out.update(rel for rel in base if not rel.endswith(FIXED_SUFFIX))
    return out


def expectations(tree: KernelTree, rule_id: str, path: Path | None = None) -> set[Key]:
    """The ``kconsist-expect`` markers of ``rule_id`` in an example."""
    where = path if path is not None else tree.root
    return markers(tree, where, rule_id, tree.arches()).expect


# -- running -----------------------------------------------------------------------


def run_example(rule: Rule | list[Rule], path: Path) -> ExampleOutcome:
    """Run one rule, or the rows of one family together (they share an id and its
    markers), on one example."""
    rows = rule if isinstance(rule, list) else [rule]
    rule = rows[0]
    tree = example_tree(path)
    arches = [a for a in needed_arches(tree, path) if any(r.applies_to(a) for r in rows)]
    result = engine.audit(tree, rows, arches)
    got = {(f.rule, f.file, f.line) for f in result.findings}
    want = markers(tree, path, rule.id, arches)
    out = ExampleOutcome(rule.id, path, errors=list(result.errors))
    out.missing = sorted(want.expect - got)
    out.unexpected = sorted(got - want.expect - want.ok - want.todo)
    out.problems += [
        f"reported at a kconsist-ok line: {f}:{n}" for _, f, n in sorted(got & want.ok)
    ]
    out.problems += [
        f"reported at a kconsist-todo line (make it kconsist-expect): {f}:{n}"
        for _, f, n in sorted(got & want.todo)
    ]
    out.todo = len(want.todo - got)
    if rule.fix is not None:
        out.problems += _check_fixed(rows, tree, path, arches)
    return out


def _check_fixed(rows: list[Rule], tree: KernelTree, path: Path, arches: list[str]) -> list[str]:
    """Compare what the rule's fix makes of the example with its ``.fixed`` files."""
    expected = {
        rel.removesuffix(FIXED_SUFFIX): path / rel
        for rel in _files(path)
        if rel.endswith(FIXED_SUFFIX)
    }
    if not expected:
        return []
    edits = fix.plan(tree, rows, arches).edits
    problems = []
    for rel, fixed in sorted(expected.items()):
        got = edits.get(rel)
        if got is None:
            problems.append(f"fix leaves {rel} unchanged, but {rel}{FIXED_SUFFIX} expects a change")
        elif got.encode("utf-8", "surrogateescape") != fixed.read_bytes():
            problems.append(f"fix makes {rel} differ from {rel}{FIXED_SUFFIX}")
    problems += [
        f"fix changes {rel}, which has no {rel}{FIXED_SUFFIX}"
        for rel in sorted(set(edits) - set(expected))
    ]
    return problems


def families(rules: list[Rule]) -> list[list[Rule]]:
    """Rules grouped as written: the rows of a ``for-each`` rule together."""
    out: dict[tuple[str, str, int], list[Rule]] = {}
    for rule in rules:
        out.setdefault((rule.id, rule.file, rule.line), []).append(rule)
    return list(out.values())


def run(rules: list[Rule]) -> Outcome:
    outcome = Outcome([])
    for rows in families(rules):
        rule = rows[0]
        if not rule.examples:
            outcome.problems.append(f"{rule.id} ({rule.file}:{rule.line}): no test case")
        for example in rule.examples:
            outcome.examples.append(run_example(rows, example))
        outcome.problems += _unknown_arches(rows)
    return outcome


def _unknown_arches(rows: list[Rule]) -> list[str]:
    """Arches a rule's ``include`` names that none of its examples has: a typo would
    otherwise turn the rule off and its tests green."""
    rule = rows[0]
    if not rule.examples:
        return []
    have = {a for ex in rule.examples for a in example_tree(ex).arches()}
    return [
        f"{rule.id} ({rule.file}:{rule.line}): arches: include names '{arch}',"
        " which none of its examples has"
        for arch in sorted({a for r in rows for a in r.include_arches} - have)
    ]
