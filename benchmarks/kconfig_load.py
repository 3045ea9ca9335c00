"""Time kconsist's Kconfig load for every architecture of a kernel tree.

Usage: python benchmarks/kconfig_load.py /path/to/linux [arch ...]
"""

from __future__ import annotations

import sys
import time

from kconsist.kconfig.load import load_kconfig
from kconsist.tree import KernelTree


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    tree = KernelTree.open(argv[0])
    arches = argv[1:] or tree.arches()
    major, minor = tree.version
    print(f"{tree.root} ({major}.{minor})")
    print(f"{'arch':<12} {'seconds':>8} {'symbols':>8}")
    total = 0.0
    for name in arches:
        start = time.perf_counter()
        kconf = load_kconfig(tree, tree.arch_env(name))
        elapsed = time.perf_counter() - start
        total += elapsed
        print(f"{name:<12} {elapsed:>8.2f} {len(kconf.unique_defined_syms):>8}")
    print(f"{'total':<12} {total:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
