"""``kconsist audit --changed-from REF / --file FILE``: which arches a change affects."""

from __future__ import annotations

from pathlib import Path

import pytest
from frontdoor_helpers import env, git, kconsist, make_repo

from kconsist.frontdoors.changed import affected_arches
from kconsist.rulelang import load_rules

KNOWN = ["powerpc", "sparc", "x86"]
V3_SPARC = (
    "arch/sparc/include/asm/pgalloc_64.h:10: error: [pt-reclaim-custom-remover] sparc:"
    " PT_RECLAIM can be enabled while the arch's own __tlb_remove_table()"
    " (arch/sparc/include/asm/pgalloc_64.h:10, compiled when SMP && 64BIT) is in use:"
    " ARCH=sparc64 PT_RECLAIM=y SMP=y"
)
V3_POWERPC_FILE = "arch/powerpc/include/asm/book3s/32/pgalloc.h:11: error:"
CUSTOM_RULE = """\
rules:
  - id: lib-tlb
    severity: warning
    message: "{arch}: {name} at {location}"
    facts:
      helper:
        c:
          names: [tlb_helper]
          paths: ["lib/tlb/{arch}/**", "include/linux/tlb-common.h"]
    check:
      forbid: helper
    arches:
      exclude: [x86]
"""


@pytest.mark.parametrize(
    ("path", "arches"),
    [
        ("arch/sparc/Kconfig", {"sparc"}),
        ("arch/powerpc/mm/book3s64/pgtable.c", {"powerpc"}),
        ("arch/arm64/Kconfig", set()),  # no such arch in the tree
        ("Kconfig", set(KNOWN)),
        ("init/Kconfig.debug", set(KNOWN)),
        ("mm/memory.c", set(KNOWN)),
        ("include/asm-generic/tlb.h", set(KNOWN)),
        ("drivers/net/foo.c", set()),
        ("Documentation/mm/index.rst", set()),
        ("Makefile", set()),
    ],
)
def test_bundled_rules(path: str, arches: set[str]) -> None:
    assert affected_arches(path, load_rules(), KNOWN) == arches


@pytest.mark.parametrize(
    ("path", "arches"),
    [
        ("lib/tlb/sparc/helper.c", {"sparc"}),
        ("lib/tlb/x86/helper.c", set()),  # the rule excludes x86
        ("lib/tlb/helper.c", set()),
        ("include/linux/tlb-common.h", {"powerpc", "sparc"}),
    ],
)
def test_rule_fact_paths(tmp_path: Path, path: str, arches: set[str]) -> None:
    (tmp_path / "r.yaml").write_text(CUSTOM_RULE)
    assert affected_arches(path, load_rules([tmp_path / "r.yaml"]), KNOWN) == arches


@pytest.fixture
def v3(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    environ = env(tmp_path / "home")
    return make_repo(tmp_path / "linux", environ, "pt-reclaim-v3"), environ


def test_file_checks_only_its_arch(v3: tuple[Path, dict[str, str]]) -> None:
    repo, environ = v3
    proc = kconsist(["audit", ".", "--file", "arch/sparc/Kconfig"], repo, environ)
    lines = proc.stdout.splitlines()
    assert (proc.returncode, proc.stderr) == (1, "")
    assert lines[0] == V3_SPARC
    assert not any(line.startswith(V3_POWERPC_FILE) for line in lines)
    assert lines[-1] == (
        "kconsist: 1 finding (1 errors, 0 warnings), 0 input errors, 23 rules skipped,"
        " 45 rules on 1 arches"
    )


def test_changed_from_sees_commits_staged_unstaged(v3: tuple[Path, dict[str, str]]) -> None:
    repo, environ = v3
    header = repo / "arch/sparc/include/asm/pgalloc_64.h"
    header.write_text(header.read_text() + "/* unstaged */\n")
    proc = kconsist(["audit", "--changed-from", "HEAD", "."], repo, environ)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert proc.stdout.splitlines()[-1].endswith("45 rules on 1 arches")
    (repo / "arch/powerpc/new.h").write_text("/* staged */\n")
    git(repo, environ, "add", "arch/powerpc/new.h")
    proc = kconsist(["audit", "--changed-from", "HEAD", "."], repo, environ)
    assert proc.stdout.splitlines()[-1].endswith("45 rules on 2 arches")
    assert proc.stdout.splitlines()[0].startswith(V3_POWERPC_FILE)
    git(repo, environ, "commit", "-qam", "two arches")
    proc = kconsist(["audit", "--changed-from", "HEAD~1", "."], repo, environ)
    assert proc.stdout.splitlines()[-1].endswith("45 rules on 2 arches")


def test_unknown_ref_is_one_clear_error(v3: tuple[Path, dict[str, str]]) -> None:
    repo, environ = v3
    proc = kconsist(["audit", "--changed-from", "no-such-ref", "."], repo, environ)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"kconsist: error: unknown git revision 'no-such-ref' in {repo}\n"


def test_not_a_git_repository(tmp_path: Path) -> None:
    tree = Path(__file__).resolve().parent.parent / "examples/pt-reclaim-v4"
    environ = env(tmp_path / "home", GIT_CEILING_DIRECTORIES=str(tree.parent))
    proc = kconsist(["audit", "--changed-from", "HEAD", str(tree)], tmp_path, environ)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"kconsist: error: not in a git repository: {tree}\n"


def test_nothing_affected_prints_nothing(v3: tuple[Path, dict[str, str]]) -> None:
    repo, environ = v3
    proc = kconsist(["audit", ".", "--file", "Documentation/index.rst"], repo, environ)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
