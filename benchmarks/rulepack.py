"""The rule pack on a real tree: per rule, the arches it ran on, its findings and the
time it took; then the whole pack against the seed rules alone.

    python benchmarks/rulepack.py TREE [--rules PATH]... [--arch A]...

Per-rule times are the engine's check of that rule, summed over arches, after the
arch's Kconfig is loaded (loading is shared by every rule, so it is a row of its own).
The last rows are the target of the pack: a whole-tree audit with every bundled rule
within 1.5x of one with the seed rules (rules/tlb-remove-table.yaml) alone.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from kconsist import engine
from kconsist.facts import ArchContext
from kconsist.rulelang import bundled_rules_dir, load_rules
from kconsist.tree import KernelTree

SEED = "tlb-remove-table.yaml"
TARGET_RATIO = 1.5


def per_rule(tree: KernelTree, rules: list, arches: list[str]) -> list[tuple[str, int, int, float]]:
    arch_count: dict[str, int] = defaultdict(int)
    findings: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    load = 0.0
    for arch in arches:
        ctx = ArchContext(tree, tree.arch_env(arch))
        start = time.perf_counter()
        _ = ctx.kconf
        load += time.perf_counter() - start
        for rule in rules:
            if not engine.applicable(ctx, rule):
                continue
            start = time.perf_counter()
            verdict = engine.check_rule(ctx, rule)
            seconds[rule.id] += time.perf_counter() - start
            arch_count[rule.id] += 1
            findings[rule.id] += len(verdict.findings)
    rows = [(r, arch_count[r], findings[r], seconds[r]) for r in dict.fromkeys(x.id for x in rules)]
    return [("(loading Kconfig, every arch)", len(arches), 0, load), *rows]


def whole(tree: KernelTree, rules: list, jobs: int) -> tuple[float, int]:
    start = time.perf_counter()
    result = engine.audit(tree, rules, jobs=jobs)
    return time.perf_counter() - start, len(result.findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--rules", action="append", type=Path, default=[])
    parser.add_argument("--arch", action="append", default=[])
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    tree = KernelTree.open(args.tree)
    rules = load_rules(args.rules or None)
    arches = args.arch or tree.arches()
    print(f"{'rule':48} {'arches':>6} {'findings':>8} {'seconds':>8}")
    for name, n, found, secs in per_rule(tree, rules, arches):
        print(f"{name:48} {n:6} {found:8} {secs:8.2f}")
    seed = load_rules([bundled_rules_dir() / SEED])
    seed_s, seed_n = whole(tree, seed, args.jobs)
    pack_s, pack_n = whole(tree, rules, args.jobs)
    print()
    title = f"whole-tree audit, -j{args.jobs}"
    print(f"{title:48} {'rules':>6} {'findings':>8} {'seconds':>8}")
    print(f"{'seed rules (baseline)':48} {len(seed):6} {seed_n:8} {seed_s:8.2f}")
    print(f"{'full pack':48} {len(rules):6} {pack_n:8} {pack_s:8.2f}")
    ratio = pack_s / seed_s if seed_s else float("inf")
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"ratio {ratio:.2f}x (target: at most {TARGET_RATIO}x: {verdict} it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
