"""Share of each arch's ``.c`` files whose build condition kconsist cannot decide.

    python benchmarks/kbuild_coverage.py TREE [ARCH...]

For every ``arch/<a>/**/*.c`` file, :func:`kconsist.cfacts.kbuild.build_condition`
either derives a condition from the Kbuild makefiles or gives up with the unknown
``built(<file>)``. Prints, per arch, the files, the undecided ones and their share.
"""

from __future__ import annotations

import sys

from kconsist import cond as c
from kconsist.cfacts.kbuild import build_condition
from kconsist.tree import KernelTree


def undecided(tree: KernelTree, arch: str) -> tuple[int, int]:
    files = list(tree.files(f"arch/{arch}", (".c",)))
    unknown = sum(
        any(a.startswith("built(") for a in c.atoms(build_condition(tree, rel))) for rel in files
    )
    return len(files), unknown


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    tree = KernelTree.open(args[0])
    print("| arch | .c files | undecided | share |\n|---|---:|---:|---:|")
    total = [0, 0]
    for arch in args[1:] or tree.arches():
        n, unknown = undecided(tree, arch)
        total[0] += n
        total[1] += unknown
        print(f"| {arch} | {n} | {unknown} | {unknown / max(n, 1):.0%} |")
    print(f"| all | {total[0]} | {total[1]} | {total[1] / max(total[0], 1):.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
