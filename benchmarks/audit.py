"""Speed of ``kconsist audit`` on a real tree, against named baselines.

    python benchmarks/audit.py TREE [--arch A]...

Prints one row per measurement: seconds, the baseline it is held against, and the ratio.
Baselines:

* ``target:*`` are the speed targets of the design ("seconds, on the developer's
  machine"): a whole-tree audit within a minute, one arch within five seconds.
* ``grep -rn`` is what a developer does by hand today: grep arch/ for the C name and
  the Kconfig symbol (no conditions, no configurations).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kconsist import engine
from kconsist.rulelang import load_rules
from kconsist.tree import KernelTree

TARGETS = {"target: whole tree": 60.0, "target: one arch": 5.0}


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def grep_baseline(tree: Path) -> float:
    def run() -> None:
        for pattern in ("__tlb_remove_table", "HAVE_ARCH_TLB_REMOVE_TABLE"):
            subprocess.run(
                ["grep", "-rn", pattern, "arch/"], cwd=tree, stdout=subprocess.DEVNULL, check=False
            )

    return timed(run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--arch", action="append", default=["sparc", "powerpc", "x86"])
    args = parser.parse_args(argv)
    tree = KernelTree.open(args.tree)
    rules = load_rules()
    grep = grep_baseline(args.tree)
    rows: list[tuple[str, float, str, float]] = []
    n = len(tree.arches())
    for jobs in (1, 2):
        whole = timed(lambda j=jobs: engine.audit(tree, rules, jobs=j))
        name = f"audit, {n} arches, -j{jobs}"
        rows.append((name, whole, "target: whole tree", TARGETS["target: whole tree"]))
        rows.append((name, whole, "grep -rn (by hand)", grep))
    for arch in args.arch:
        one = timed(lambda a=arch: engine.audit(tree, rules, [a]))
        rows.append((f"audit --arch {arch}", one, "target: one arch", TARGETS["target: one arch"]))
    print(f"tree: {args.tree} (v{'.'.join(map(str, tree.version))}), {len(rules)} rules")
    print(f"{'measurement':<30} {'seconds':>8}  {'baseline':<22} {'seconds':>8} {'ratio':>7}")
    for name, secs, base, base_secs in rows:
        print(f"{name:<30} {secs:8.2f}  {base:<22} {base_secs:8.2f} {secs / base_secs:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
