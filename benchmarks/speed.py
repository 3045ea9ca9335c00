"""One run, one table: what kconsist costs where it is used, with the peak RSS of each
command, beside what it is built on and what a developer runs anyway.

    python benchmarks/speed.py TREE [--work DIR] [-j N] [--no-conf]

Every measurement is one whole process (``python -m kconsist ...``), timed from fork to
exit; peak RSS is the largest resident set of that process or any of its workers (from
``wait4``, like ``/usr/bin/time -v``). Rows:

* ``audit cold`` / ``audit warm``: ``kconsist audit -j N`` with an empty cache
  directory (``KCONSIST_CACHE_DIR``), then again with nothing changed.
* ``precommit``: one commit each, a one-line comment added to the file named, staged in
  a git copy of the tree, then ``kconsist precommit FILE`` from its top as pre-commit
  runs it; ``warm``: the cache as the full audit above left it; ``cold``: an empty one.
* ``series``: ``kconsist series BASE..TIP`` on 3 commits (comments in sparc, powerpc and
  mm Kconfig files), with an empty cache, then again.

Baselines, measured in the same run: ``kconfiglib``: kconsist's Kconfig loader
(kconfiglib and its compatibility layer) loading every arch, in N processes, each arch
read as kconfiglib alone reads it (no lines shared between arches); ``conf``:
the kernel's C ``conf`` (``make alldefconfig``) for every arch, N at a time, with conf
already built (needs flex and bison); ``checkpatch.pl`` on each commit's patch; ``grep
-rn __tlb_remove_table arch/``; and the targets of the speed issue.

kconsist's bytecode is compiled first, as an installed package has it (a process run
with ``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module each time).

The git copy (``WORK/repo``: ``cp -a`` of TREE, ``git init``, one commit, packed) is made
once and reused by later runs; each row starts from ``git reset --hard`` to that commit.
TREE itself is never written.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

KCONSIST = [sys.executable, "-m", "kconsist"]
GIT_ID = ["-c", "user.name=bench", "-c", "user.email=bench@example.org"]

# (row name, file, comment line): the commits of the table.
COMMITS = [
    ("drivers/net/Kconfig", "drivers/net/Kconfig", "# kconsist benchmark: a comment\n"),
    ("mm/Kconfig", "mm/Kconfig", "# kconsist benchmark: a comment\n"),
    ("arch/sparc/Kconfig", "arch/sparc/Kconfig", "# kconsist benchmark: a comment\n"),
    (
        "arch/x86/include/asm/tlb.h",
        "arch/x86/include/asm/tlb.h",
        "/* kconsist benchmark: a comment */\n",
    ),
    ("include/linux/mm.h", "include/linux/mm.h", "/* kconsist benchmark: a comment */\n"),
]
SERIES = ["arch/sparc/Kconfig", "arch/powerpc/Kconfig", "mm/Kconfig"]
ONE_ARCH = ("arch/",)  # a commit under arch/<a>/ is a one-arch change

# Targets of the speed issue: seconds (or MB) a measurement must stay within.
WARM_AUDIT, ANY_KCONFIG, SERIES_COLD, SERIES_WARM, RSS_MB = 0.5, 1.0, 10.0, 3.0, 300


@dataclass
class Run:
    seconds: float
    rss_mb: float
    rc: int
    out: str = ""


def run(
    argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None, quiet: bool = True
) -> Run:
    """One whole process: wall seconds, peak RSS (MB) of it and its children, exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if not quiet else subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    out = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, out)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *GIT_ID, *args], cwd=repo, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def prepare_repo(tree: Path, work: Path) -> tuple[Path, str]:
    """A git repository holding a copy of ``tree`` in one commit (made once, reused)."""
    repo = work / "repo"
    if (repo / ".git").exists():  # a clone, or a git worktree of one
        try:
            return repo, git(repo, "rev-parse", "kconsist-bench-base")
        except subprocess.CalledProcessError:
            shutil.rmtree(repo)
    print(f"preparing {repo} (copy, git init, commit, repack): once", file=sys.stderr)
    partial = work / "repo.partial"
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run(["cp", "-a", str(tree), str(partial)], check=True)
    git(partial, "init", "-q")
    git(partial, "add", "-A", "-f", ".")
    git(partial, "commit", "-q", "-m", "base")
    git(partial, "tag", "kconsist-bench-base")
    git(partial, "repack", "-a", "-d", "-q")
    git(partial, "prune")
    partial.rename(repo)
    return repo, git(repo, "rev-parse", "kconsist-bench-base")


def reset(repo: Path, base: str) -> None:
    git(repo, "reset", "-q", "--hard", base)
    git(repo, "clean", "-q", "-f", "-d")


def add_comment(repo: Path, rel: str, line: str) -> None:
    """Append ``line`` to ``rel`` by writing a new file (never through a shared inode)."""
    target = repo / rel
    text = target.read_bytes() + line.encode()
    fd, tmp = tempfile.mkstemp(dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(text)
    os.chmod(tmp, target.stat().st_mode)
    os.replace(tmp, target)


def commit_comment(repo: Path, rel: str, line: str) -> None:
    add_comment(repo, rel, line)
    git(repo, "add", "-f", rel)  # the kernel's .gitignore files do not apply to a copy
    git(repo, "commit", "-q", "-s", "-m", f"{rel}: add a comment\n\nA benchmark commit.")


_COMPILE = (
    "import compileall, os, kconsist; "
    "compileall.compile_dir(os.path.dirname(kconsist.__file__), quiet=1)"
)

# -- baselines ---------------------------------------------------------------------

_LOAD_ALL = """
import sys
from concurrent.futures import ProcessPoolExecutor
from kconsist.kconfig.load import load_kconfig
from kconsist.kconfig import compat
from kconsist.tree import KernelTree
compat.SHARE_LINES = False  # each arch read as kconfiglib alone reads it
tree = KernelTree.open(sys.argv[1])
def load(arch):
    return len(load_kconfig(tree, tree.arch_env(arch)).unique_defined_syms)
with ProcessPoolExecutor(int(sys.argv[2])) as pool:
    print(sum(pool.map(load, tree.arches())))
"""


def kconfiglib_all(repo: Path, jobs: int) -> Run:
    return run([sys.executable, "-c", _LOAD_ALL, str(repo), str(jobs)], repo)


def conf_all(repo: Path, work: Path, arches: list[str], jobs: int) -> Run | None:
    """``make alldefconfig`` for every arch, ``jobs`` at a time, conf already built."""
    if not (shutil.which("flex") and shutil.which("bison")):
        return None
    env = {k: v for k, v in os.environ.items() if k not in ("ARCH", "SRCARCH", "O")}

    def one(arch: str) -> Run:
        out = work / "conf" / arch
        out.mkdir(parents=True, exist_ok=True)
        argv = ["make", "-s", f"ARCH={arch}", f"O={out}", "alldefconfig"]
        if arch == "um":
            argv.insert(3, "SUBARCH=x86")
        return run(argv, repo, env)

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, arches))  # builds conf in each output directory
        start = time.perf_counter()
        runs = list(pool.map(one, arches))
        seconds = time.perf_counter() - start
    return Run(seconds, max(r.rss_mb for r in runs), max(r.rc for r in runs))


def checkpatch(repo: Path, patch: Path) -> Run:
    return run(["perl", "scripts/checkpatch.pl", str(patch)], repo)


# -- the table ---------------------------------------------------------------------


@dataclass
class Row:
    name: str
    got: Run
    baselines: list[tuple[str, float]]  # (name, seconds)


def print_table(rows: list[Row], header: str) -> None:
    print(header)
    print()
    print("| measurement | s | peak MB | rc | against | s | ratio |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for row in rows:
        first = True
        for base, secs in row.baselines or [("", 0.0)]:
            lead = (
                f"| {row.name} | {row.got.seconds:.2f} | {row.got.rss_mb:.0f} | {row.got.rc} "
                if first
                else "| | | | "
            )
            ratio = f"{row.got.seconds / secs:.2f}x" if secs else ""
            cell = f"{secs:.2f}" if secs else ""
            print(f"{lead}| {base} | {cell} | {ratio} |")
            first = False


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpu = model or platform.processor()
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--work", type=Path, help="where the git copy lives (kept)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-conf", action="store_true", help="skip the C conf baseline")
    parser.add_argument(
        "--only-kconsist", action="store_true", help="no baselines (kconfiglib, conf, grep)"
    )
    parser.add_argument(
        "--no-cold-precommit", action="store_true", help="precommit with the warm cache only"
    )
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    work = (args.work or Path(tempfile.gettempdir()) / f"kconsist-speed-{tree.name}").resolve()
    work.mkdir(parents=True, exist_ok=True)
    repo, base = prepare_repo(tree, work)
    reset(repo, base)
    subprocess.run([sys.executable, "-c", _COMPILE], check=True)
    arches = sorted(p.parent.name for p in (repo / "arch").glob("*/Kconfig"))
    caches = Path(tempfile.mkdtemp(prefix="kconsist-speed-cache-"))
    jobs = args.jobs
    rows: list[Row] = []

    def cache(name: str) -> dict[str, str]:
        return {"KCONSIST_CACHE_DIR": str(caches / name)}

    def kconsist(cmd: list[str], name: str) -> Run:
        return run([*KCONSIST, *cmd], repo, cache(name))

    def show(name: str, got: Run) -> None:  # as it goes, in case a later step fails
        print(f"{name}: {got.seconds:.2f} s, {got.rss_mb:.0f} MB, rc {got.rc}", file=sys.stderr)

    # Baselines first, so the figures below have their reference.
    skip = args.only_kconsist
    grep = Run(0.0, 0.0, 0) if skip else run(["grep", "-rn", "__tlb_remove_table", "arch/"], repo)
    load = Run(0.0, 0.0, 0) if skip else kconfiglib_all(repo, jobs)
    conf = None if args.no_conf or skip else conf_all(repo, work, arches, jobs)
    engines = [(f"kconfiglib, {len(arches)} arches, -j{jobs}", load.seconds)]
    if conf:
        engines.append((f"C conf alldefconfig, {len(arches)} arches, -j{jobs}", conf.seconds))

    show("grep", grep)
    show("kconfiglib", load)
    if conf:
        show("conf", conf)
    cold = kconsist(["audit", ".", "-j", str(jobs)], "main")
    show("audit cold", cold)
    warm = kconsist(["audit", ".", "-j", str(jobs)], "main")
    show("audit warm", warm)
    rows.append(
        Row(
            f"audit cold, -j{jobs}",
            cold,
            [*engines, ("target 0.6x kconfiglib", load.seconds * 0.6)],
        )
    )
    rows.append(Row(f"audit warm, nothing changed, -j{jobs}", warm, [("target", WARM_AUDIT)]))

    for name, rel, line in COMMITS:
        reset(repo, base)
        commit_comment(repo, rel, line)
        patch = work / "commit.patch"
        patch.write_text(git(repo, "format-patch", "-1", "--stdout") + "\n")
        git(repo, "reset", "-q", "--soft", "HEAD~1")  # staged, as pre-commit sees it
        cp = checkpatch(repo, patch)
        hot = kconsist(["precommit", rel], "main")
        show(f"precommit {name}, warm", hot)
        fresh = (
            None if args.no_cold_precommit else kconsist(["precommit", rel], f"fresh-{len(rows)}")
        )
        target = (
            ("target 2x checkpatch", 2 * cp.seconds)
            if rel.startswith(ONE_ARCH)
            else ("target", ANY_KCONFIG)
        )
        rows.append(Row(f"precommit {name}, warm", hot, [("checkpatch.pl", cp.seconds), target]))
        if fresh is not None:
            rows.append(Row(f"precommit {name}, cold", fresh, [("checkpatch.pl", cp.seconds)]))
        rows.append(Row(f"checkpatch.pl {name}", cp, []))

    reset(repo, base)
    for rel in SERIES:
        commit_comment(repo, rel, "# kconsist benchmark: a comment\n")
    series = ["series", f"{base}..HEAD"]
    s_cold = kconsist(series, "series")
    show("series cold", s_cold)
    s_warm = kconsist(series, "series")
    show("series warm", s_warm)
    reset(repo, base)
    rows.append(Row("series, 3 patches, cold", s_cold, [("target", SERIES_COLD)]))
    rows.append(Row("series, 3 patches, warm", s_warm, [("target", SERIES_WARM)]))

    rows.append(Row(f"kconfiglib load, every arch, -j{jobs}", load, []))
    if conf:
        rows.append(Row(f"C conf alldefconfig, every arch, -j{jobs}", conf, []))
    rows.append(Row("grep -rn __tlb_remove_table arch/", grep, []))
    shutil.rmtree(caches, ignore_errors=True)

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    version = (tree / "Makefile").read_text().split("\n", 3)[1:3]
    header = (
        f"{datetime.date.today()} · {machine()} · tree {tree} "
        f"({' '.join(v.split('=')[1].strip() for v in version)}) · kconsist {commit}"
    )
    print_table(rows, header)
    worst = max(r.got.rss_mb for r in rows if r.name.startswith(("audit", "precommit", "series")))
    print(f"\npeak RSS of any kconsist command: {worst:.0f} MB (target {RSS_MB} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
