"""Shared helpers of the front-door tests (real git repositories of the example trees)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The console scripts of the interpreter running the tests (its venv's bin/): b4 and
# pre-commit are test dependencies installed there, never looked up on PATH.
SCRIPTS = Path(sysconfig.get_path("scripts"))
SELECT = "\tselect HAVE_ARCH_TLB_REMOVE_TABLE if SMP\n"
REMOVER = "arch/sparc/include/asm/pgalloc_64.h"

# What dropping sparc's select from examples/pt-reclaim-v4 introduces, as b4 lines.
SPARC_ERRORS = [
    f"{REMOVER}:9: ERROR: [pt-reclaim-custom-remover] sparc: PT_RECLAIM can be enabled while"
    f" the arch's own __tlb_remove_table() ({REMOVER}:9, compiled when SMP && 64BIT) is in"
    " use: ARCH=sparc64 PT_RECLAIM=y SMP=y",
    f"{REMOVER}:9: ERROR: [tlb-remove-table-kconfig] sparc provides its own"
    f" __tlb_remove_table() (function at {REMOVER}:9, compiled when SMP && 64BIT) but"
    " HAVE_ARCH_TLB_REMOVE_TABLE is not selected for it: ARCH=sparc64"
    " HAVE_ARCH_TLB_REMOVE_TABLE=n SMP=y",
]

# A second remover (sparc32's) on a tree without sparc's select, as a text line.
SPARC32_ERROR = (
    "arch/sparc/include/asm/pgalloc_32.h:7: error: [tlb-remove-table-kconfig] sparc provides"
    " its own __tlb_remove_table() (function at arch/sparc/include/asm/pgalloc_32.h:7,"
    " compiled when !64BIT) but HAVE_ARCH_TLB_REMOVE_TABLE is not selected for it:"
    " ARCH=sparc32 HAVE_ARCH_TLB_REMOVE_TABLE=n"
)

# What dropping powerpc's select introduces, as text lines: one finding per site.
PPC32 = "arch/powerpc/include/asm/book3s/32/pgalloc.h"
POWERPC_ERRORS = [
    "arch/powerpc/include/asm/book3s/32/pgalloc.h:10: error: [pt-reclaim-custom-remover] "
    "powerpc: PT_RECLAIM can be enabled while the arch's own __tlb_remove_table() "
    "(arch/powerpc/include/asm/book3s/32/pgalloc.h:10, compiled when !PPC64 && PPC_BOOK3S) is"
    " in use: PT_RECLAIM=y PPC64=n PPC_BOOK3S=y",
    "arch/powerpc/include/asm/book3s/32/pgalloc.h:10: error: [tlb-remove-table-kconfig] "
    "powerpc provides its own __tlb_remove_table() (function at "
    "arch/powerpc/include/asm/book3s/32/pgalloc.h:10, compiled when !PPC64 && PPC_BOOK3S) but"
    " HAVE_ARCH_TLB_REMOVE_TABLE is not selected for it: HAVE_ARCH_TLB_REMOVE_TABLE=n PPC64=n"
    " PPC_BOOK3S=y",
    "arch/powerpc/include/asm/book3s/64/pgalloc.h:6: error: [pt-reclaim-custom-remover] "
    "powerpc: PT_RECLAIM can be enabled while the arch's own __tlb_remove_table() "
    "(arch/powerpc/include/asm/book3s/64/pgalloc.h:6, compiled when PPC64 && PPC_BOOK3S) is "
    "in use: PT_RECLAIM=y PPC64=y PPC_BOOK3S=y",
    "arch/powerpc/include/asm/book3s/64/pgalloc.h:6: error: [tlb-remove-table-kconfig] "
    "powerpc provides its own __tlb_remove_table() (prototype at "
    "arch/powerpc/include/asm/book3s/64/pgalloc.h:6, compiled when PPC64 && PPC_BOOK3S) but "
    "HAVE_ARCH_TLB_REMOVE_TABLE is not selected for it: HAVE_ARCH_TLB_REMOVE_TABLE=n PPC64=y "
    "PPC_BOOK3S=y",
    "arch/powerpc/include/asm/nohash/pgalloc.h:10: error: [pt-reclaim-custom-remover] "
    "powerpc: PT_RECLAIM can be enabled while the arch's own __tlb_remove_table() "
    "(arch/powerpc/include/asm/nohash/pgalloc.h:10, compiled when !PPC_BOOK3S) is in use: "
    "PT_RECLAIM=y PPC_BOOK3S=n",
    "arch/powerpc/include/asm/nohash/pgalloc.h:10: error: [tlb-remove-table-kconfig] powerpc "
    "provides its own __tlb_remove_table() (function at "
    "arch/powerpc/include/asm/nohash/pgalloc.h:10, compiled when !PPC_BOOK3S) but "
    "HAVE_ARCH_TLB_REMOVE_TABLE is not selected for it: HAVE_ARCH_TLB_REMOVE_TABLE=n "
    "PPC_BOOK3S=n",
    "arch/powerpc/mm/book3s64/pgtable.c:4: error: [pt-reclaim-custom-remover] powerpc: "
    "PT_RECLAIM can be enabled while the arch's own __tlb_remove_table() "
    "(arch/powerpc/mm/book3s64/pgtable.c:4, compiled when PPC_BOOK3S_64) is in use: "
    "PT_RECLAIM=y PPC_BOOK3S_64=y",
    "arch/powerpc/mm/book3s64/pgtable.c:4: error: [tlb-remove-table-kconfig] powerpc provides"
    " its own __tlb_remove_table() (function at arch/powerpc/mm/book3s64/pgtable.c:4, "
    "compiled when PPC_BOOK3S_64) but HAVE_ARCH_TLB_REMOVE_TABLE is not selected for it: "
    "HAVE_ARCH_TLB_REMOVE_TABLE=n PPC_BOOK3S_64=y",
]


# The arch-override pack does not apply to the pt-reclaim examples: none of its
# symbols is defined there.
SKIPPED_NOTE = (
    "note: 20 rules skipped, e.g. [arch-has-set-direct-map-unselected]: Kconfig symbol"
    " ARCH_HAS_SET_DIRECT_MAP is not defined in this tree (--format json lists them all)"
)


def summary_lines(errors: int, warnings: int = 0, arches: int = 1) -> list[str]:
    """The text report's last lines for the bundled rules on examples/pt-reclaim-v4."""
    n = errors + warnings
    return [
        SKIPPED_NOTE,
        f"kconsist: {n} finding{'s' if n != 1 else ''} ({errors} errors, {warnings} warnings),"
        f" 0 input errors, 20 rules skipped, 45 rules on {arches} arches",
    ]


def tool(name: str) -> str:
    """The path of console script ``name`` of this interpreter's environment."""
    path = SCRIPTS / name
    assert path.is_file(), f"{name} is not installed beside {sys.executable}: pip install '.[test]'"
    return str(path)


def text_line(b4_line: str) -> str:
    """The ``kconsist audit`` text form of a b4 line."""
    return b4_line.replace(": ERROR: ", ": error: ", 1).replace(": WARNING: ", ": warning: ", 1)


def env(home: Path, **extra: str) -> dict[str, str]:
    """An environment isolated from the user's git/b4 configuration."""
    out = dict(os.environ)
    for name in list(out):
        if name.startswith(("GIT_", "B4_", "PRE_COMMIT")):
            del out[name]
    home.mkdir(parents=True, exist_ok=True)
    out.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local/share"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Kay Dev",
        GIT_AUTHOR_EMAIL="kay@example.org",
        GIT_COMMITTER_NAME="Kay Dev",
        GIT_COMMITTER_EMAIL="kay@example.org",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        PATH=os.pathsep.join([str(home / "bin"), os.environ["PATH"]]),
    )
    out.update(extra)
    return out


def run(
    args: list[str], cwd: Path, environ: dict[str, str], stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, cwd=cwd, env=environ, input=stdin, capture_output=True, check=False)
    return subprocess.CompletedProcess(
        proc.args,
        proc.returncode,
        proc.stdout.decode("utf-8", "surrogateescape"),  # file names may be any bytes
        proc.stderr.decode("utf-8", "surrogateescape"),
    )


def git(repo: Path, environ: dict[str, str], *args: str) -> str:
    proc = run(["git", *args], repo, environ)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def kconsist_shim(home: Path) -> None:
    """``kconsist`` on PATH (``$HOME/bin``), running this checkout."""
    bindir = home / "bin"
    bindir.mkdir(parents=True, exist_ok=True)
    shim = bindir / "kconsist"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m kconsist "$@"\n')
    shim.chmod(0o755)


def make_repo(
    path: Path, environ: dict[str, str], example: str = "pt-reclaim-v4", branch: str = "master"
) -> Path:
    shutil.copytree(EXAMPLES / example, path)
    git(path, environ, "init", "-q", "-b", branch)
    git(path, environ, "config", "user.name", "Kay Dev")
    git(path, environ, "config", "user.email", "kay@example.org")
    git(path, environ, "add", "-A")
    git(path, environ, "commit", "-q", "-m", "base")
    return path


def drop_select(repo: Path) -> None:
    kconfig = repo / "arch/sparc/Kconfig"
    text = kconfig.read_text()
    assert SELECT in text
    kconfig.write_text(text.replace(SELECT, ""))


def drop_powerpc_select(repo: Path) -> None:
    kconfig = repo / "arch/powerpc/Kconfig"
    text = kconfig.read_text()
    assert "\tselect HAVE_ARCH_TLB_REMOVE_TABLE\n" in text
    kconfig.write_text(text.replace("\tselect HAVE_ARCH_TLB_REMOVE_TABLE\n", ""))


def restore_select(repo: Path) -> None:
    kconfig = repo / "arch/sparc/Kconfig"
    anchor = "\tselect MMU_GATHER_RCU_TABLE_FREE if SMP\n"
    kconfig.write_text(kconfig.read_text().replace(anchor, anchor + SELECT))


def add_sparc32_remover(repo: Path) -> None:
    """sparc32 gets its own __tlb_remove_table() (at pgalloc_32.h:7)."""
    header = repo / "arch/sparc/include/asm/pgalloc_32.h"
    anchor = "void srmmu_free_nocache(void *addr, int size);\n"
    remover = "\nstatic inline void __tlb_remove_table(void *_table)\n{\n}\n"
    header.write_text(header.read_text().replace(anchor, anchor + remover))


def commit_old_finding(repo: Path, environ: dict[str, str]) -> None:
    """HEAD gets sparc's two findings (the select dropped), committed past the hooks."""
    drop_select(repo)
    git(repo, environ, "commit", "-q", "--no-verify", "-am", "sparc: drop the select")


def harmless_change(repo: Path) -> None:
    """A change to sparc's Kconfig that introduces no finding."""
    kconfig = repo / "arch/sparc/Kconfig"
    kconfig.write_text(kconfig.read_text() + "\n# sparc: nothing to see here\n")


def kconsist(
    args: list[str], cwd: Path, environ: dict[str, str], stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "kconsist", *args], cwd, environ, stdin)


# A dependent pair: 1/2 drops sparc's select (SPARC_ERRORS), 2/2 re-adds it in the same
# place under the wrong condition, which only applies on top of 1/2 and leaves a stale
# select (the SPARC_ERRORS stay: they are not new).
NOT_SMP_SELECT = "\tselect HAVE_ARCH_TLB_REMOVE_TABLE if !SMP\n"
STALE_SELECT_WARNING = (
    "arch/sparc/Kconfig:18: WARNING: [tlb-remove-table-stale-select] sparc selects"
    " HAVE_ARCH_TLB_REMOVE_TABLE (arch/sparc/Kconfig:18, in effect when SPARC64 && !SMP) in a"
    " configuration where it compiles no __tlb_remove_table() of its own: ARCH=sparc64"
    " SPARC64=y SMP=n"
)


def add_select(repo: Path, line: str) -> None:
    """``line`` where sparc's select was (after the MMU_GATHER_RCU_TABLE_FREE one)."""
    kconfig = repo / "arch/sparc/Kconfig"
    anchor = "\tselect MMU_GATHER_RCU_TABLE_FREE if SMP\n"
    kconfig.write_text(kconfig.read_text().replace(anchor, anchor + line))


def dependent_series(repo: Path, environ: dict[str, str], *format_args: str) -> str:
    """Commit the dependent pair on branch ``topic``, go back to master, and return the
    series as ``git format-patch --stdout`` (with ``format_args``) writes it."""
    git(repo, environ, "checkout", "-q", "-b", "topic")
    drop_select(repo)
    git(repo, environ, "commit", "-qam", "sparc: drop HAVE_ARCH_TLB_REMOVE_TABLE")
    add_select(repo, NOT_SMP_SELECT)
    git(repo, environ, "commit", "-qam", "sparc: select HAVE_ARCH_TLB_REMOVE_TABLE if !SMP")
    mbox = git(repo, environ, "format-patch", "--stdout", *format_args, "master..topic")
    git(repo, environ, "checkout", "-q", "master")
    return mbox


def split_mbox(mbox: str) -> list[bytes]:
    """The messages of a ``git format-patch --stdout`` mbox, cover letter included."""
    parts = re.split(r"^(?=From [0-9a-f]{40} )", mbox, flags=re.M)
    return [p.encode() for p in parts if p.strip()]
