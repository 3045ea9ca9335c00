"""Scanning a hostile header is linear in its size (issue 11: a 20 MB one-line header
took 329 s; 0.8 MB 3.9 s, 4 MB 14.2 s).

    python benchmarks/hostile_header.py [--sizes 0.5,1,2,4] [--shape SHAPE]...

For each shape of one-line (or deeply nested) header and each size in MB, prints the
seconds :func:`kconsist.cfacts.scan_text` takes and the seconds per MB: a scan linear
in size keeps the last column flat as the size doubles.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from kconsist.cfacts import scan_text

NAME = "__tlb_remove_table"
REMOVER = f"static inline void {NAME}(void *t) {{ }}"

SHAPES: dict[str, Callable[[int], str]] = {
    # a declaration among many on one line (the issue's header)
    "one-line": lambda n: " int x;" * (n // 7) + REMOVER,
    # garbage tree-sitter cannot parse, the name again and again on one line
    "garbage": lambda n: f"{NAME} ( ) }} {{ ; #x " * (n // 32),
    # parentheses nested n/2 deep (crashed tree-sitter's parent lookup)
    "nested": lambda n: NAME + "(" * (n // 2) + ")" * (n // 2),
    # a declaration whose parameter list never closes
    "unclosed": lambda n: f"void {NAME}(" + "int a, " * (n // 7),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.5,1,2,4", help="sizes in MB, comma-separated")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), default=[])
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"{'shape':<10} {'MB':>5} {'seconds':>8} {'s/MB':>6}")
    for shape in args.shape or list(SHAPES):
        for mb in sizes:
            text = SHAPES[shape](int(mb * (1 << 20)))
            start = time.perf_counter()
            scan_text(text, "big.h", [NAME])
            seconds = time.perf_counter() - start
            print(f"{shape:<10} {mb:>5g} {seconds:>8.2f} {seconds / mb:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
