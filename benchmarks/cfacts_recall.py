"""Recall of kconsist.cfacts on a real kernel tree, against an independent grep oracle.

    python benchmarks/cfacts_recall.py /tmp/linux-7.3 [--prefix arch/] [--sample 300]

The oracle is deliberately simple and shares no code with cfacts: ``#define NAME`` at
the start of a line; a one-line declaration at column 0, ``type... NAME(...);`` (a
prototype) or ``type... NAME(...)`` followed by a ``{`` line or ending in ``{`` (a
definition); and the split style, ``NAME(...)`` at column 0 after a line of type words.
It skips upper-case names (macro invocations like ``static DEFINE_MUTEX(m);``) and
function pointers, misses multi-line parameter lists and sees facts inside comments,
so the recall it gives is an estimate; every miss is listed with ``-v`` for inspection.

A second check runs the named fast path (``names=...``) for a sample of oracle names
and compares it with the full scan of the same files: they must agree.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kconsist.cfacts import CFact, scan_text
from kconsist.cfacts.syntax import _parser
from kconsist.tree import KernelTree

_KEYWORDS = {"return", "if", "else", "typedef", "while", "for", "switch", "case", "do", "goto"}
_DEFINE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)")
_ONE_LINE = re.compile(
    r"^([A-Za-z_][\w \t\*]*?[ \t\*])([A-Za-z_]\w*)\s*\(([^;{}]*)\)\s*(;|\{)?\s*$"
)
_SPLIT = re.compile(r"^([A-Za-z_]\w*)\s*\(([^;{}]*)\)\s*$")
_TYPE_LINE = re.compile(r"^[A-Za-z_][\w \t\*]*$")


def _not_a_function(line: str, name: str) -> bool:
    # An initialiser, a function pointer, an asm register variable, or an upper-case
    # macro invocation such as `static DEFINE_SPINLOCK(lock);`.
    return (
        "=" in line or "(*" in line or name in ("asm", "__asm__", "__attribute__") or name.isupper()
    )


def oracle(text: str) -> set[tuple[str, str, int]]:
    """(kind, name, line) of the facts the grep oracle sees."""
    lines = text.split("\n")
    found: set[tuple[str, str, int]] = set()
    for i, line in enumerate(lines):
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if m := _DEFINE.match(line):
            found.add(("macro", m.group(1), i + 1))
        elif m := _ONE_LINE.match(line):
            if m.group(1).split()[0] in _KEYWORDS or _not_a_function(line, m.group(2)):
                continue
            end = m.group(4)
            if end == ";":
                found.add(("prototype", m.group(2), i + 1))
            elif end == "{" or nxt == "{":
                found.add(("function", m.group(2), i + 1))
        elif (m := _SPLIT.match(line)) and nxt == "{" and i > 0:
            prev = lines[i - 1]
            if _TYPE_LINE.match(prev) and prev.split()[0] not in _KEYWORDS:
                found.add(("function", m.group(1), i + 1))
    return found


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("tree")
    ap.add_argument("--prefix", default="arch/")
    ap.add_argument("--sample", type=int, default=300, help="names for the fast-path check")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    args = ap.parse_args()
    tree = KernelTree.open(args.tree)
    files = list(tree.files(args.prefix, (".c", ".h")))

    stats: Counter[str] = Counter()
    misses: list[str] = []
    facts_by_file: dict[str, list[CFact]] = {}
    texts: dict[str, str] = {}
    oracle_names: list[tuple[str, str]] = []
    t0 = time.perf_counter()
    for rel in files:
        text = tree.read_text(rel)
        texts[rel] = text
        result = scan_text(text, rel)
        facts_by_file[rel] = result.facts
        stats["problems"] += len(result.problems)
        stats["facts"] += len(result.facts)
        stats["facts_ts"] += sum(f.via == "tree-sitter" for f in result.facts)
        by_line = {(f.name, f.line): f for f in result.facts}
        ts_lines = {(f.name, f.line) for f in result.facts if f.via == "tree-sitter"}
        for kind, name, line in oracle(text):
            stats[f"oracle_{kind}"] += 1
            oracle_names.append((rel, name))
            got = by_line.get((name, line))
            stats[f"ts_{kind}"] += (name, line) in ts_lines
            if got is not None:
                stats[f"hit_{kind}"] += 1
                stats[f"kind_ok_{kind}"] += got.kind == kind
            else:
                misses.append(f"{rel}:{line}: {kind} {name}")
    elapsed = time.perf_counter() - t0
    for rel in files:  # separate pass: ERROR nodes, not part of the timed scan
        src = texts[rel].encode("utf-8", "surrogateescape")
        stats["error_files"] += _parser().parse(src).root_node.has_error

    _report(len(files), stats, elapsed)
    _check_fast_path(texts, facts_by_file, oracle_names, args.sample)
    if args.verbose:
        print("\nmisses:\n" + "\n".join(misses))
    return 0


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   -  "


def _report(n_files: int, stats: Counter[str], elapsed: float) -> None:
    print(f"files scanned             {n_files:8d}   ({elapsed:.1f}s full scan)")
    errors = stats["error_files"]
    print(f"files with ERROR nodes    {errors:8d}   {_pct(errors, n_files)}")
    print(f"facts, tree-sitter alone  {stats['facts_ts']:8d}")
    print(f"facts, combined           {stats['facts']:8d}")
    print(f"problems reported         {stats['problems']:8d}")
    print()
    print(f"{'oracle kind':12} {'oracle':>8} {'ts alone':>9} {'combined':>9} {'same kind':>10}")
    for kind in ("function", "prototype", "macro"):
        total = stats[f"oracle_{kind}"]
        print(
            f"{kind:12} {total:8d} {_pct(stats[f'ts_{kind}'], total):>9} "
            f"{_pct(stats[f'hit_{kind}'], total):>9} "
            f"{_pct(stats[f'kind_ok_{kind}'], stats[f'hit_{kind}']):>10}"
        )
    total = sum(stats[f"oracle_{k}"] for k in ("function", "prototype", "macro"))
    ts = sum(stats[f"ts_{k}"] for k in ("function", "prototype", "macro"))
    hit = sum(stats[f"hit_{k}"] for k in ("function", "prototype", "macro"))
    print(f"{'all':12} {total:8d} {_pct(ts, total):>9} {_pct(hit, total):>9}")


def _check_fast_path(
    texts: dict[str, str],
    facts_by_file: dict[str, list[CFact]],
    oracle_names: list[tuple[str, str]],
    sample: int,
) -> None:
    """The named scan of a file must give exactly the full scan's facts of that name."""
    rng = random.Random(0)
    picks = rng.sample(oracle_names, min(sample, len(oracle_names)))
    disagree = 0
    for rel, name in picks:
        named = scan_text(texts[rel], rel, [name]).facts
        full = [f for f in facts_by_file[rel] if f.name == name]
        disagree += named != full
    print(
        f"\nfast path (names=...) vs full scan on {len(picks)} sampled names: "
        f"{len(picks) - disagree} agree, {disagree} differ"
    )


if __name__ == "__main__":
    raise SystemExit(main())
