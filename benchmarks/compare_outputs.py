"""Whether two revisions of kconsist print the same: every command, byte for byte.

    python benchmarks/compare_outputs.py REV_A REV_B [TREE]... [--arch A]... [--keep]

Each revision is checked out into a temporary git worktree and run from there (its
``kconsist`` console script, as its pyproject.toml names it), in a throw-away virtual
environment that sees the dependencies of the interpreter running this script (its
site-packages, by a ``.pth`` file) but not its own kconsist, so that nothing of this
checkout leaks into a run.
On each TREE (default: the example trees of REV_A, ``examples/*`` with a Makefile; the
same directories for both revisions) it runs

    audit TREE --format text|json|sarif|checkpatch -j1
    explain TREE --arch A          (each arch of the tree, or those of --arch)
    fix TREE --dry-run

and, once per revision, ``test-rules`` (each revision's own rules and examples). It
prints one line per command, ``same`` or ``DIFFERS``, and for each difference the first
lines of a diff of stdout, stderr and the exit code. Exit status: 0 when every output
is identical, 1 otherwise.

``--arch`` limits the arches (of audit and explain) on trees that have them: useful for
a real kernel tree, whose whole audit takes a while per format.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import venv
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FORMATS = ("text", "json", "sarif", "checkpatch")
DIFF_LINES = 40


@dataclass(frozen=True)
class Output:
    code: int
    stdout: bytes
    stderr: bytes


class Checkout:
    """One revision in a temporary worktree, with an interpreter that runs it."""

    def __init__(self, rev: str, base: Path, label: str):
        self.rev = rev
        self.dir = base / label
        git("worktree", "add", "--quiet", "--detach", str(self.dir), rev)
        self.python = _isolated_python(base / f"{label}-venv")
        # The console script of that revision (older ones have no __main__).
        pyproject = (self.dir / "pyproject.toml").read_text()
        entry = re.search(r'^kconsist = "([\w.]+):(\w+)"', pyproject, re.M)
        assert entry, f"{rev}: pyproject.toml names no kconsist script"
        module, func = entry.groups()
        self.launcher = (
            f"import sys; sys.argv[0] = 'kconsist'; from {module} import {func}; sys.exit({func}())"
        )

    def run(self, *args: str) -> Output:
        environ = {
            **os.environ,
            "PYTHONPATH": str(self.dir),
            "KCONSIST_CACHE_DIR": str(self.dir / ".cache"),
        }
        environ.pop("KCONSIST_DEBUG", None)
        proc = subprocess.run(
            [str(self.python), "-c", self.launcher, *args],
            cwd=self.dir,
            env=environ,
            capture_output=True,
            check=False,
        )
        # Where each checkout lies is not part of the output (test-rules names examples).
        here = str(self.dir).encode()
        return Output(
            proc.returncode,
            proc.stdout.replace(here, b"<checkout>"),
            proc.stderr.replace(here, b"<checkout>"),
        )

    def where_kconsist_is(self) -> str:
        proc = subprocess.run(
            [str(self.python), "-c", "import kconsist; print(kconsist.__file__)"],
            cwd=self.dir,
            env={**os.environ, "PYTHONPATH": str(self.dir)},
            capture_output=True,
            text=True,
            check=True,
        )
        return proc.stdout.strip()

    def remove(self) -> None:
        git("worktree", "remove", "--force", str(self.dir))


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True
    ).stdout


def _isolated_python(path: Path) -> Path:
    """A venv without pip whose site-packages points at this interpreter's (for the
    dependencies) without running its ``.pth`` files: an editable install of this
    checkout would otherwise win over the worktree on PYTHONPATH."""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(path)
    python = path / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(site, "deps.pth").write_text("".join(f"{d}\n" for d in sorted(deps)))
    return python


def tree_arches(tree: Path, only: list[str]) -> list[str]:
    found = sorted(p.name for p in (tree / "arch").iterdir() if (p / "Kconfig").is_file())
    return [a for a in found if a in only] if only else found


def commands(trees: list[Path], only: list[str]) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = [("test-rules", ["test-rules"])]
    for tree in trees:
        arches = tree_arches(tree, only)
        arch_args = [f"--arch={a}" for a in arches] if only else []
        for fmt in FORMATS:
            args = ["audit", str(tree), "--format", fmt, "-j1", *arch_args]
            out.append((f"audit {tree.name} --format {fmt}", args))
        for arch in arches:
            out.append(
                (f"explain {tree.name} --arch {arch}", ["explain", str(tree), "--arch", arch])
            )
        out.append((f"fix {tree.name} --dry-run", ["fix", str(tree), "--dry-run", *arch_args]))
    return out


def diff(a: Output, b: Output, labels: tuple[str, str]) -> list[str]:
    lines = []
    if a.code != b.code:
        lines.append(f"    exit code: {a.code} vs {b.code}")
    for stream in ("stdout", "stderr"):
        old = getattr(a, stream).decode("utf-8", "replace").splitlines()
        new = getattr(b, stream).decode("utf-8", "replace").splitlines()
        if old != new or getattr(a, stream) != getattr(b, stream):
            udiff = difflib.unified_diff(
                old, new, f"{labels[0]} {stream}", f"{labels[1]} {stream}", lineterm="", n=1
            )
            lines += [f"    {line}" for line in udiff]
            if old == new:
                lines.append(f"    {stream}: same lines, other bytes (line endings?)")
    if len(lines) > DIFF_LINES:
        lines = [*lines[:DIFF_LINES], f"    ... {len(lines) - DIFF_LINES} more lines"]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rev_a")
    parser.add_argument("rev_b")
    parser.add_argument(
        "trees", nargs="*", type=Path, help="kernel trees (default: REV_A's examples)"
    )
    parser.add_argument(
        "--arch", action="append", default=[], help="only these arches (repeatable)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary worktrees")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="kconsist-compare-"))
    checkouts: list[Checkout] = []
    try:
        checkouts = [Checkout(args.rev_a, base, "a"), Checkout(args.rev_b, base, "b")]
        for c in checkouts:
            short = git("rev-parse", "--short", c.rev).strip()
            print(f"{c.rev}: {short}, kconsist from {c.where_kconsist_is()}")
        trees = [t.resolve() for t in args.trees] or sorted(
            p for p in (checkouts[0].dir / "examples").iterdir() if (p / "Makefile").is_file()
        )
        differing = 0
        for label, argv in commands(trees, args.arch):
            a, b = (c.run(*argv) for c in checkouts)
            same = a == b
            differing += not same
            print(f"{'same    ' if same else 'DIFFERS '} {label} (exit {a.code})")
            if not same:
                print("\n".join(diff(a, b, (args.rev_a, args.rev_b))))
        print(f"{differing} of {len(commands(trees, args.arch))} outputs differ")
        return 1 if differing else 0
    finally:
        if args.keep:
            print(f"worktrees kept under {base}", file=sys.stderr)
        else:
            for c in checkouts:
                c.remove()
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
