"""Compare kconsist's Kconfig values with the kernel's C tools (``make alldefconfig``).

Usage: python benchmarks/kconfig_vs_conf.py TREE [--arch A]... [--show N]

For each arch the tree is hard-linked (``cp -al``) into a temp dir once, and
``make ARCH=<a> O=<out> alldefconfig`` runs there (``SUBARCH=x86`` for um), so the
source tree is never written. Three configurations are then compared symbol by symbol:

* ``C``: the ``.config`` written by scripts/kconfig/conf;
* ``K``: kconsist (``load_kconfig`` with its model toolchain, then kconfiglib's
  alldefconfig, i.e. a fresh load written with ``write_config``);
* ``R``: the same loader, but ``$(shell,...)`` really runs, in ``O=`` with the
  environment make gave conf (captured by a wrapper around conf), so R sees exactly
  the probe answers C saw.

A difference between C and K that R does not have is class (a), toolchain probes.
The others are semantic, classified on R: (b) int/hex without a value, (c) imply,
(d) choice member, (e) anything else; "R-only" counts R/C differences where K happens
to agree with C. A symbol whose own rule is not the cause but
that reads a differing symbol inherits that symbol's class.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import kconfiglib as kl

from kconsist.kconfig import compat, preprocess
from kconsist.kconfig.compat import KernelKconfig
from kconsist.kconfig.load import load_kconfig
from kconsist.tree import ArchEnv, KernelTree

CLASSES = ("a:probe", "b:int/hex", "c:imply", "d:choice", "e:other")
_LINE = re.compile(r"^CONFIG_(\w+)=(.*)$|^# CONFIG_(\w+) is not set$")
# conf is replaced by this after the first run, to record the environment make gives it.
_WRAPPER = '#!/bin/sh\nenv -0 > "$0.env"\nexec "$0.real" "$@"\n'


def parse_config(text: str) -> dict[str, str]:
    """name -> value ("n" for "is not set", strings without quotes)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        if match[3]:
            values[match[3]] = "n"
            continue
        value = match[2]
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        values[match[1]] = value
    return values


def make_args(arch: str, out: Path) -> list[str]:
    args = ["make", "-s", f"ARCH={arch}", f"O={out}", "alldefconfig"]
    if arch == "um":
        args.insert(3, "SUBARCH=x86")
    return args


def run_conf(src: Path, arch: str, out: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Run alldefconfig twice (the second time through the env-recording wrapper)."""
    env = {k: v for k, v in os.environ.items() if k not in ("ARCH", "SRCARCH", "O")}
    subprocess.run(make_args(arch, out), cwd=src, env=env, check=True, capture_output=True)
    conf = out / "scripts/kconfig/conf"
    conf.rename(conf.with_name("conf.real"))
    conf.write_text(_WRAPPER)
    conf.chmod(0o755)
    (out / ".config").unlink()
    subprocess.run(make_args(arch, out), cwd=src, env=env, check=True, capture_output=True)
    raw = conf.with_name("conf.env").read_bytes().decode(errors="surrogateescape")
    conf_env = dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)
    return parse_config((out / ".config").read_text()), conf_env


@contextmanager
def real_shell(cwd: Path) -> Iterator[None]:
    """Make ``$(shell,...)`` run for real (in conf's cwd) during the loads inside."""

    def run(kconf: object, _name: str, command: str) -> str:
        done = subprocess.run(
            command, shell=True, cwd=cwd, env=dict(os.environ), capture_output=True
        )
        out = done.stdout.decode(errors="surrogateescape")
        return "\n".join(out.splitlines()).rstrip("\n").replace("\n", " ")

    saved = preprocess.shell_fn
    compat.preprocess.shell_fn = run  # type: ignore[assignment]
    try:
        yield
    finally:
        compat.preprocess.shell_fn = saved  # type: ignore[assignment]


def written(kconf: KernelKconfig, path: Path) -> dict[str, str]:
    kconf.write_config(str(path), header="")
    return parse_config(path.read_text())


def referenced(sym: kl.Symbol) -> set[str]:
    """Names of the symbols ``sym``'s value is computed from."""
    exprs: list[object] = [sym.direct_dep, sym.rev_dep, sym.weak_rev_dep]
    for value, cond in sym.defaults:
        exprs += [value, cond]
    for low, high, cond in sym.ranges:
        exprs += [low, high, cond]
    exprs += [n.prompt[1] for n in sym.nodes if n.prompt]
    if sym.choice is not None:
        exprs += [m for m in sym.choice.syms]
        exprs += [n.prompt[1] for n in sym.choice.nodes if n.prompt]
        exprs += [v for v, _ in sym.choice.defaults] + [c for _, c in sym.choice.defaults]
    names: set[str] = set()
    for e in exprs:
        for item in kl.expr_items(e):
            if item.__class__ is kl.Symbol and not item.is_constant and item is not sym:
                names.add(item.name)
    return names


def own_class(sym: kl.Symbol, c_value: str | None) -> str | None:
    """The semantic class of ``sym``'s own rule, when it explains a difference."""
    if sym.orig_type in (kl.INT, kl.HEX) and (sym.str_value == "" or c_value in ("", None)):
        return "b:int/hex"
    if sym.choice is not None:
        return "d:choice"
    if kl.expr_value(sym.weak_rev_dep) or any(n.implies for n in sym.nodes):
        return "c:imply"
    return None


def classify(
    diffs: set[str], real_diffs: set[str], kreal: KernelKconfig, conf: dict[str, str]
) -> dict[str, str]:
    classes: dict[str, str] = {name: "a:probe" for name in diffs - real_diffs}
    own = {
        name: own_class(kreal.syms[name], conf.get(name)) if name in kreal.syms else None
        for name in real_diffs
    }

    def cause(name: str, seen: set[str]) -> str:
        if own.get(name):
            return own[name]  # type: ignore[return-value]
        seen.add(name)
        sym = kreal.syms.get(name)
        for dep in sorted(referenced(sym)) if sym is not None else []:
            dep_sym = kreal.syms[dep]
            if dep_sym.orig_type in (kl.INT, kl.HEX) and dep_sym.str_value == "":
                return "b:int/hex"  # read (e.g. compared) while it has no value
            if dep in real_diffs and dep not in seen:
                found = cause(dep, seen)
                if found != "e:other":
                    return found
        return "e:other"

    for name in real_diffs:
        if name in diffs:
            classes[name] = cause(name, set())
    return classes


def differing(a: dict[str, str], b: dict[str, str]) -> set[str]:
    return {name for name in a.keys() | b.keys() if a.get(name) != b.get(name)}


def compare_arch(tree: KernelTree, src: KernelTree, arch: str, work: Path, show: int) -> list:
    out = work / f"out-{arch}"
    conf, conf_env = run_conf(src.root, arch, out)
    model = written(load_kconfig(tree, tree.arch_env(arch)), work / "k.config")
    with real_shell(out):
        kreal = load_kconfig(src, ArchEnv(arch, conf_env))
    real = written(kreal, work / "r.config")
    diffs, real_diffs = differing(conf, model), differing(conf, real)
    classes = classify(diffs, real_diffs, kreal, conf)
    # Semantic differences first: those are the ones to fix.
    order = sorted(classes, key=lambda n: (classes[n] == "a:probe", classes[n], n))
    for name in order[:show]:
        print(
            f"    {classes[name]:<10} {name}: C={conf.get(name)!r} K={model.get(name)!r}"
            f" R={real.get(name)!r}"
        )
    shutil.rmtree(out)
    counts = Counter(classes.values())
    compared = len(conf.keys() | model.keys())
    # R != C where K == C too: a semantic difference that the model's probes hide.
    return [
        arch,
        compared,
        compared - len(diffs),
        *(counts[c] for c in CLASSES),
        len(real_diffs - diffs),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree")
    parser.add_argument("--arch", action="append", help="default: every arch of the tree")
    parser.add_argument("--show", type=int, default=0, help="print N differences per arch")
    args = parser.parse_args(argv)
    tree = KernelTree.open(args.tree)
    arches = args.arch or tree.arches()
    work = Path(tempfile.mkdtemp(prefix="kconfig_vs_conf."))
    try:
        start = time.perf_counter()
        subprocess.run(["cp", "-al", str(tree.root), str(work / "src")], check=True)
        src = KernelTree.open(work / "src")
        major, minor = tree.version
        print(f"{tree.root} ({major}.{minor}): C = make alldefconfig, K = kconsist")
        header = ["arch", "compared", "equal", *CLASSES, "R-only"]
        print(" ".join(f"{h:>10}" for h in header))
        for arch in arches:
            row = compare_arch(tree, src, arch, work, args.show)
            print(" ".join(f"{v:>10}" for v in row), flush=True)
        print(f"{time.perf_counter() - start:.0f} s")
    finally:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
