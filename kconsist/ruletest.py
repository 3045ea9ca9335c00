"""Rule tests, after semgrep's ``ruleid:`` convention.

Each rule lists example trees. In an example, a comment ``kconsist-expect: RULE-ID``
(in any C or Kconfig file) says the rule reports a finding on the next line; every
finding the rule reports must be expected and every expectation met.

An example directory with a file ``kconsist-base`` is a variant: that file names
(relative to it) a base tree, and the example's other files replace the base's files
of the same path, in memory. This keeps one scenario per directory without copying
a whole mini tree for a one-line change.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from kconsist import engine
from kconsist.findings import InputError
from kconsist.rulelang import Rule
from kconsist.tree import KernelTree

BASE_FILE = "kconsist-base"
_EXPECT = re.compile(r"kconsist-expect:\s*([a-z0-9][a-z0-9-]*)")

Key = tuple[str, str, int]  # rule, file, line


@dataclass
class ExampleOutcome:
    rule: str
    example: Path
    missing: list[Key] = field(default_factory=list)
    unexpected: list[Key] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.errors)


@dataclass
class Outcome:
    examples: list[ExampleOutcome]

    @property
    def ok(self) -> bool:
        return all(e.ok for e in self.examples)

    def text(self) -> str:
        lines = []
        for e in self.examples:
            lines.append(f"{'ok  ' if e.ok else 'FAIL'} {e.rule} {e.example}")
            lines += [f"     missing finding: {f}:{n}" for _, f, n in e.missing]
            lines += [f"     unexpected finding: {f}:{n}" for _, f, n in e.unexpected]
            lines += [f"     input error: {x.file}:{x.line}: {x.message}" for x in e.errors]
        passed = sum(e.ok for e in self.examples)
        lines.append(f"{passed} passed, {len(self.examples) - passed} failed")
        return "\n".join(lines) + "\n"


def example_tree(path: Path) -> KernelTree:
    """The tree of an example directory (a variant laid over its base)."""
    base_ref = path / BASE_FILE
    if not base_ref.exists():
        return KernelTree.open(path)
    base = example_tree((path / base_ref.read_text().strip()).resolve())
    overlay = {rel: (path / rel).read_text() for rel in _files(path) if rel != BASE_FILE}
    return base.with_overlay(overlay)


def _files(root: Path) -> list[str]:
    out = []
    for dirpath, _, names in os.walk(root):
        out += [Path(dirpath, n).relative_to(root).as_posix() for n in names]
    return sorted(out)


def expectations(tree: KernelTree, rule_id: str) -> set[Key]:
    found: set[Key] = set()
    for rel in tree.files(""):
        if rel == BASE_FILE:
            continue
        for i, line in enumerate(tree.read_text(rel).splitlines(), start=1):
            for m in _EXPECT.finditer(line):
                if m.group(1) == rule_id:
                    found.add((rule_id, rel, i + 1))
    return found


def run_example(rule: Rule, path: Path) -> ExampleOutcome:
    tree = example_tree(path)
    result = engine.audit(tree, [rule])
    got = {(f.rule, f.file, f.line) for f in result.findings}
    want = expectations(tree, rule.id)
    return ExampleOutcome(
        rule.id, path, sorted(want - got), sorted(got - want), list(result.errors)
    )


def run(rules: list[Rule]) -> Outcome:
    return Outcome([run_example(r, ex) for r in rules for ex in r.examples])
