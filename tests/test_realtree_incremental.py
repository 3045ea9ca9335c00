"""Verdicts carried over an edit (kconsist.edits) equal a full reload, on real Kconfig
files: random single-line edits, many of them made to look harmless (comments, blank
lines, at random places: inside help text, after a continued line), a bounded number.
For every edit taken as inert, kconfiglib's whole parse of the arch must be the same
(but for line numbers) and so must the audit's verdicts."""

from __future__ import annotations

import random

import kconfiglib as kl
import pytest

from kconsist import edits, engine
from kconsist.kconfig.load import load_kconfig
from kconsist.rulelang import load_rules
from kconsist.tree import KernelTree

pytestmark = pytest.mark.realtree

ARCH = "sparc"  # one of the quickest to load
EDITS = 10
LINES = [
    "# a comment\n",
    "\t# an indented comment\n",
    "\n",
    "\t  # help-indented comment\n",
    "# a comment that continues \\\n",
    "\t\n",
]


def _parse(tree: KernelTree) -> list[tuple[object, ...]]:
    """Everything kconfiglib read, line numbers left out."""
    kconf = load_kconfig(tree, tree.arch_env(ARCH))
    out: list[tuple[object, ...]] = []
    for node in kconf.node_iter():
        item = node.item
        name = getattr(item, "name", None) or str(item)
        out.append(
            (
                name,
                tree.rel(node.filename),
                node.prompt[0] if node.prompt else None,
                kl.expr_str(node.dep),
                [(kl.expr_str(v), kl.expr_str(c)) for v, c in node.defaults],
                [(s.name, kl.expr_str(c)) for s, c in node.selects],
                [(s.name, kl.expr_str(c)) for s, c in node.implies],
                [(kl.expr_str(a), kl.expr_str(b), kl.expr_str(c)) for a, b, c in node.ranges],
                getattr(node, "help", None),
                getattr(item, "orig_type", None),
            )
        )
    return out


def _edit(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    at = rng.randrange(len(lines) + 1)
    if rng.random() < 0.15 and lines:  # a line removed (a comment or blank one, often)
        return "".join(lines[:at] + lines[at + 1 :])
    return "".join([*lines[:at], rng.choice(LINES), *lines[at:]])


def test_carried_verdicts_equal_a_full_reload(
    newest_tree: KernelTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(10)
    rules = load_rules()
    tree = KernelTree.open(newest_tree.root)
    files = sorted({tree.rel(f) for f in load_kconfig(tree, tree.arch_env(ARCH)).kconfig_filenames})
    pristine = _parse(tree)
    engine.audit(tree, rules, [ARCH])  # kept in the cache: the base of every edit
    inert = 0
    for _ in range(EDITS):
        rel = rng.choice(files)
        old = tree.read_text(rel)
        new = _edit(rng, old)
        if edits.moves(rel, old, new) is None:
            continue  # checked again in full by the engine: nothing to compare
        inert += 1
        edited = tree.with_overlay({rel: new})
        assert _parse(edited) == pristine, f"{rel}: an edit taken as inert changed the parse"
        carried = engine.audit(edited, rules, [ARCH], base=tree)
        with monkeypatch.context() as m:
            m.setenv("KCONSIST_NO_CACHE", "1")
            full = engine.audit(KernelTree.open(tree.root).with_overlay({rel: new}), rules, [ARCH])
        assert carried.findings == full.findings, rel
        assert carried.suppressed == full.suppressed, rel
    assert inert >= EDITS // 3  # the comparison did run
