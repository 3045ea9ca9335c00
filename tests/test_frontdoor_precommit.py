"""Real pre-commit with the hook of ``.pre-commit-hooks.yaml``, installed from a git clone
of this checkout's working tree (uncommitted work included), offline.

pre-commit pip-installs the hook repository into its own virtualenv. To stay offline
the install sees this environment's packages (kconsist's dependencies and setuptools,
linked into one directory on PYTHONPATH) with no index and no build isolation.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path

import pytest
from frontdoor_helpers import (
    POWERPC_ERRORS,
    ROOT,
    SPARC_ERRORS,
    commit_old_finding,
    drop_powerpc_select,
    drop_select,
    env,
    git,
    harmless_change,
    make_repo,
    run,
    summary_lines,
    text_line,
)


def _project_deps() -> list[str]:
    """``[project] dependencies`` of pyproject.toml (kconsist need not be installed)."""
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.M | re.S)
    assert block, "pyproject.toml has no dependencies list"
    return re.findall(r'"([^"]+)"', block.group(1))


HOOK_DEPS = ["setuptools", "wheel", *_project_deps()]
IGNORED = (".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info", "build")


def _closure(requirements: Iterable[str]) -> list[metadata.Distribution]:
    seen: dict[str, metadata.Distribution] = {}
    todo = [r for r in requirements if "extra ==" not in r]
    while todo:
        name = re.split(r"[\s\[<>=!~;(]", todo.pop(), maxsplit=1)[0]
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if dist.metadata["Name"].lower() not in seen:
            seen[dist.metadata["Name"].lower()] = dist
            todo += [r for r in dist.requires or [] if "extra ==" not in r]
    return list(seen.values())


def _link_deps(dest: Path) -> None:
    dest.mkdir()
    for dist in _closure(HOOK_DEPS):
        for top in {f.parts[0] for f in dist.files or []} - {"..", "bin"}:
            src = Path(str(dist.locate_file(top)))
            if src.exists() and not (dest / top).exists():
                (dest / top).symlink_to(src)


@pytest.fixture(scope="session")
def hook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """(hook repository, its commit, environment with pre-commit's home)."""
    base = tmp_path_factory.mktemp("precommit")
    clone = base / "kconsist"
    shutil.copytree(ROOT, clone, ignore=shutil.ignore_patterns(*IGNORED))
    _link_deps(base / "deps")
    environ = env(
        base / "home",
        PRE_COMMIT_HOME=str(base / "pre-commit-home"),
        PYTHONPATH=str(base / "deps"),  # not this checkout: the hook runs its own install
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS="",
        PIP_NO_BUILD_ISOLATION="0",  # pip's inverted spelling: disables isolation
    )
    git(clone, environ, "init", "-q")
    git(clone, environ, "add", "-A")
    git(clone, environ, "commit", "-q", "-m", "snapshot of the working tree")
    sha = git(clone, environ, "rev-parse", "HEAD").strip()
    repo = _kernel_repo(base / "warm-up", clone, sha, environ)
    proc = run([sys.executable, "-m", "pre_commit", "install-hooks"], repo, environ)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return clone, sha, environ


def _kernel_repo(
    path: Path, clone: Path, sha: str, environ: dict[str, str], args: Sequence[str] = ()
) -> Path:
    repo = make_repo(path, environ)
    config = f"repos:\n  - repo: {clone}\n    rev: {sha}\n    hooks:\n      - id: kconsist\n"
    if args:
        config += f"        args: [{', '.join(args)}]\n"
    (repo / ".pre-commit-config.yaml").write_text(config)
    git(repo, environ, "add", ".pre-commit-config.yaml")
    git(repo, environ, "commit", "-q", "--no-verify", "-m", "use kconsist")
    proc = run([sys.executable, "-m", "pre_commit", "install"], repo, environ)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return repo


@pytest.fixture
def kernel(tmp_path: Path, hook: tuple[Path, str, dict[str, str]]) -> tuple[Path, dict]:
    clone, sha, environ = hook
    return _kernel_repo(tmp_path / "linux", clone, sha, environ), environ


@pytest.fixture
def kernel_all(tmp_path: Path, hook: tuple[Path, str, dict[str, str]]) -> tuple[Path, dict]:
    """A kernel repository whose hook runs ``kconsist precommit --all``."""
    clone, sha, environ = hook
    return _kernel_repo(tmp_path / "linux", clone, sha, environ, ["--all"]), environ


def _hook_output(out: str) -> list[str]:
    """The hook's own lines (pre-commit shows them after its header lines)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("- exit code:"))
    return [line for line in lines[start + 1 :] if line]


def test_bad_commit_is_rejected(kernel: tuple[Path, dict[str, str]]) -> None:
    repo, environ = kernel
    drop_select(repo)
    git(repo, environ, "add", "arch/sparc/Kconfig")
    proc = run(["git", "commit", "-m", "sparc: drop the select"], repo, environ)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert re.search(r"^kconsist \(C/Kconfig invariants\)\.+Failed$", out, re.M)
    assert "- exit code: 1" in out
    assert _hook_output(out) == [*map(text_line, SPARC_ERRORS), *summary_lines(2)]
    assert git(repo, environ, "rev-list", "--count", "HEAD") == "2\n"  # not committed


def test_good_commit_passes(kernel: tuple[Path, dict[str, str]]) -> None:
    repo, environ = kernel
    harmless_change(repo)
    git(repo, environ, "add", "arch/sparc/Kconfig")
    proc = run(["git", "commit", "-m", "sparc: comment"], repo, environ)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout + proc.stderr
    assert re.search(r"^kconsist \(C/Kconfig invariants\)\.+Passed$", out, re.M)
    assert git(repo, environ, "rev-list", "--count", "HEAD") == "3\n"


def test_checks_what_is_staged_and_restores_unstaged(kernel: tuple[Path, dict]) -> None:
    repo, environ = kernel
    harmless_change(repo)
    git(repo, environ, "add", "arch/sparc/Kconfig")
    drop_select(repo)  # unstaged, and bad: not what is committed
    proc = run(["git", "commit", "-m", "sparc: comment"], repo, environ)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Stashing unstaged files" in proc.stdout + proc.stderr
    diff = git(repo, environ, "diff", "--unified=0", "arch/sparc/Kconfig")
    assert diff.splitlines()[-1] == "-\tselect HAVE_ARCH_TLB_REMOVE_TABLE if SMP"
    assert git(repo, environ, "status", "--porcelain") == " M arch/sparc/Kconfig\n"


def test_unrelated_commit_prints_nothing(kernel: tuple[Path, dict[str, str]]) -> None:
    repo, environ = kernel
    drop_select(repo)  # unstaged: stashed while the hook runs
    (repo / "README").write_text("kernel\n")
    git(repo, environ, "add", "README")
    proc = run([sys.executable, "-m", "pre_commit", "run", "--verbose"], repo, environ)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^kconsist \(C/Kconfig invariants\)\.+Passed$", proc.stdout, re.M)
    lines = proc.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("- duration:"))
    assert [ln for ln in lines[at + 1 :] if not ln.startswith("[INFO]")] == []  # no output


def test_staged_deletion_is_checked(kernel: tuple[Path, dict[str, str]]) -> None:
    repo, environ = kernel
    git(repo, environ, "rm", "-q", "arch/sparc/include/asm/pgalloc_64.h")
    proc = run(["git", "commit", "-m", "sparc: drop the remover"], repo, environ)
    assert proc.returncode == 1
    assert _hook_output(proc.stdout + proc.stderr)[0].startswith("arch/sparc/Kconfig:18: warning: ")


def _commit_both_arches(repo: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """On a HEAD with sparc's findings: a commit touching sparc harmlessly and dropping
    powerpc's select (new findings)."""
    commit_old_finding(repo, environ)
    harmless_change(repo)
    drop_powerpc_select(repo)
    git(repo, environ, "add", "arch/sparc/Kconfig", "arch/powerpc/Kconfig")
    return run(["git", "commit", "-m", "sparc, powerpc: two changes"], repo, environ)


def test_old_finding_does_not_block_commit(kernel: tuple[Path, dict[str, str]]) -> None:
    repo, environ = kernel
    commit_old_finding(repo, environ)
    harmless_change(repo)
    git(repo, environ, "add", "arch/sparc/Kconfig")
    proc = run(["git", "commit", "-m", "sparc: comment"], repo, environ)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"^kconsist \(C/Kconfig invariants\)\.+Passed$", out, re.M)
    assert git(repo, environ, "rev-list", "--count", "HEAD") == "4\n"


def test_only_new_findings_reject_a_commit(kernel: tuple[Path, dict[str, str]]) -> None:
    repo, environ = kernel
    proc = _commit_both_arches(repo, environ)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert re.search(r"^kconsist \(C/Kconfig invariants\)\.+Failed$", out, re.M)
    assert _hook_output(out) == [*POWERPC_ERRORS, *summary_lines(8, arches=2)]
    assert git(repo, environ, "rev-list", "--count", "HEAD") == "3\n"  # not committed


def test_all_reports_every_finding(kernel_all: tuple[Path, dict[str, str]]) -> None:
    repo, environ = kernel_all
    proc = _commit_both_arches(repo, environ)
    everything = [*POWERPC_ERRORS, *map(text_line, SPARC_ERRORS), *summary_lines(10, arches=2)]
    assert proc.returncode == 1
    assert _hook_output(proc.stdout + proc.stderr) == everything


# -- nothing missed silently (issue 11) ----------------------------------------------

SPARC32_REMOVER = (
    "#ifndef CONFIG_SMP\nstatic inline void __tlb_remove_table(void *_table)\n{\n}\n#endif\n"
)
NEWLINE_HEADER = "arch/sparc/include/asm/new\nline.h"
SPARC_GONE = (
    "arch/sparc/Kconfig: input error: arch/sparc has no Kconfig, so arch sparc cannot be"
    " checked (arch sparc)"
)


def test_header_named_with_a_newline_is_checked(kernel: tuple[Path, dict[str, str]]) -> None:
    """pre-commit hands the name over as it is (from ``git diff -z``): the remover in it
    is found, and its line stays one line."""
    repo, environ = kernel
    (repo / NEWLINE_HEADER).write_text(SPARC32_REMOVER)
    git(repo, environ, "add", "-A")
    proc = run(["git", "commit", "-m", "sparc: odd header"], repo, environ)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    shown = NEWLINE_HEADER.replace("\n", "\\n")
    assert _hook_output(out)[0] == (
        f"{shown}:2: error: [tlb-remove-table-kconfig] sparc provides its own"
        f" __tlb_remove_table() (function at {shown}:2, compiled when !SMP) but"
        " HAVE_ARCH_TLB_REMOVE_TABLE is not selected for it: ARCH=sparc32"
        " HAVE_ARCH_TLB_REMOVE_TABLE=n SMP=n"
    )


@pytest.mark.parametrize("deleted", ["arch/sparc/Kconfig", "arch/sparc"])
def test_deleting_an_arch_or_its_kconfig_is_reported(
    kernel: tuple[Path, dict[str, str]], deleted: str
) -> None:
    repo, environ = kernel
    git(repo, environ, "rm", "-rq", deleted)
    proc = run(["git", "commit", "-m", "sparc: remove"], repo, environ)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "- exit code: 2" in out
    assert _hook_output(out)[0] == SPARC_GONE
    assert git(repo, environ, "rev-list", "--count", "HEAD") == "2\n"  # not committed
