"""The verdict cache is never stale: an edit changes the result, concurrent runs agree
and leave a valid cache, a damaged entry is rebuilt, another kconsist's entry is
ignored; and verdicts carried over a comment-only edit equal a full check."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kconsist import edits, engine, verdicts
from kconsist.engine import ArchOutcome
from kconsist.findings import Finding
from kconsist.rulelang import RuleError, load_rules
from kconsist.tree import KernelTree

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RULES = Path(__file__).resolve().parent.parent / "rules" / "tlb-remove-table.yaml"


@pytest.fixture
def tree_dir(tmp_path: Path) -> Path:
    target = tmp_path / "tree"
    shutil.copytree(EXAMPLES / "pt-reclaim-v3", target)
    return target


def audit_json(
    tree: Path, env: dict[str, str] | None = None, codes: tuple[int, ...] = (0, 1)
) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "kconsist", "audit", str(tree), "--format", "json", "-j", "2"],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert done.returncode in codes, done.stderr
    return json.loads(done.stdout)


def sites(result: dict[str, object]) -> list[tuple[str, str, str, int]]:
    findings = result["findings"]
    assert isinstance(findings, list)
    return [(f["rule"], f["arch"], f["file"], f["line"]) for f in findings]


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "verdicts").glob("*/*.entry"))


def test_cached_run_equals_uncached(tree_dir: Path) -> None:
    first = audit_json(tree_dir)
    assert entries(Path(os.environ["KCONSIST_CACHE_DIR"]))  # kept
    assert audit_json(tree_dir) == first
    assert audit_json(tree_dir, {"KCONSIST_NO_CACHE": "1"}) == first


def test_an_edit_between_two_runs_changes_the_result(tree_dir: Path) -> None:
    before = sites(audit_json(tree_dir))
    assert ("pt-reclaim-custom-remover", "sparc", "arch/sparc/include/asm/pgalloc_64.h", 10) in (
        before
    )
    header = tree_dir / "arch/sparc/include/asm/pgalloc_64.h"
    # The same size, in place: only the content (and mtime) tell it apart.
    text = header.read_text()
    header.write_text(text.replace("__tlb_remove_table", "__tlb_remove_tablX"))
    after = sites(audit_json(tree_dir))
    assert [s for s in after if s[1] == "sparc"] == []
    assert after == sites(audit_json(tree_dir, {"KCONSIST_NO_CACHE": "1"}))


def test_a_smaller_size_limit_is_not_answered_from_the_cache(tree_dir: Path) -> None:
    """The same files under another --max-file-size give another outcome (a file over
    the limit is reported, not read): the limit is part of the cache's key."""
    header = "arch/sparc/include/asm/pgalloc_64.h"
    assert ("pt-reclaim-custom-remover", "sparc", header, 10) in sites(audit_json(tree_dir))
    size = (tree_dir / header).stat().st_size
    limited = audit_json(tree_dir, {"KCONSIST_MAX_FILE_SIZE": str(size - 1)}, codes=(2,))
    errors = limited["errors"]
    assert isinstance(errors, list)
    assert header in {e["file"] for e in errors}


def test_a_new_file_in_a_listed_directory_changes_the_result(tree_dir: Path) -> None:
    before = sites(audit_json(tree_dir))
    extra = tree_dir / "arch/sparc/mm/extra.c"
    extra.parent.mkdir()
    extra.write_text("void __tlb_remove_table(void *table)\n{\n}\n")
    (tree_dir / "arch/sparc/mm/Makefile").write_text("obj-y += extra.o\n")
    after = sites(audit_json(tree_dir))
    assert after != before
    assert after == sites(audit_json(tree_dir, {"KCONSIST_NO_CACHE": "1"}))


def test_concurrent_runs_agree_and_leave_a_valid_cache(tree_dir: Path) -> None:
    argv = [sys.executable, "-m", "kconsist", "audit", str(tree_dir), "--format", "json"]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate()[0] for p in runs]
    assert [p.returncode for p in runs] == [1, 1, 1]
    assert outputs[0] == outputs[1] == outputs[2]
    cache = Path(os.environ["KCONSIST_CACHE_DIR"])
    found = entries(cache)
    assert found
    for path in found:
        entry = verdicts._read_payload(path)
        assert isinstance(entry, dict) and entry["outcome"].arch == entry["arch"]
    assert not list(cache.rglob(".tmp-*"))  # no half-written file left behind
    assert json.loads(outputs[0]) == audit_json(tree_dir)


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage-index"])
def test_a_damaged_entry_is_rebuilt(tree_dir: Path, damage: str) -> None:
    if damage == "garbage-index":  # the files just copied are remembered once settled
        time.sleep(verdicts.RACY_NS / 1e9 + 0.1)
    first = audit_json(tree_dir)
    cache = Path(os.environ["KCONSIST_CACHE_DIR"])
    targets = entries(cache)
    if damage == "garbage-index":
        targets = sorted((cache / "verdicts/files").iterdir())
    assert targets
    for path in targets:
        raw = path.read_bytes()
        if damage == "truncate":
            path.write_bytes(raw[: len(raw) // 2])
        elif damage == "flip":
            path.write_bytes(raw[:-10] + bytes([raw[-10] ^ 0xFF]) + raw[-9:])
        elif damage == "empty":
            path.write_bytes(b"")
        else:
            path.write_bytes(b"\x80\x04not a pickle")
    assert audit_json(tree_dir) == first
    for path in entries(cache):  # rewritten whole
        assert isinstance(verdicts._read_payload(path), dict)


def _planted(arch: str) -> ArchOutcome:
    bogus = Finding("planted-rule", arch, "error", "arch/sparc/Kconfig", 1, "planted")
    return ArchOutcome(arch, True, [bogus], [], [])


def test_an_entry_of_another_kconsist_version_is_ignored(
    tree_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = load_rules([RULES])
    tree = KernelTree.open(tree_dir)
    clean = engine.audit(tree, rules, ["sparc"])
    assert "planted-rule" not in {f.rule for f in clean.findings}
    # Another version writes an entry for this very state of the tree...
    with monkeypatch.context() as m:
        m.setattr(verdicts, "code_digest", lambda: "another kconsist")
        tree = KernelTree.open(tree_dir)
        other = verdicts.VerdictCache.for_tree(rules, tree)
        other.store(other.ids(tree), "sparc", _planted("sparc"), sorted(_reads(tree, rules)))
        planted = engine.audit(tree, rules, ["sparc"]).findings
        assert "planted-rule" in {f.rule for f in planted}
    # ...which this version never uses.
    tree = KernelTree.open(tree_dir)
    again = engine.audit(tree, rules, ["sparc"])
    assert [f.identity() for f in again.findings] == [f.identity() for f in clean.findings]


def _reads(tree: KernelTree, rules: list) -> frozenset:
    return engine._recorded(tree, rules, "sparc")[1]


# -- verdicts carried over an edit that cannot change them -------------------------------


def _comment_above(text: str, needle: str, comment: str) -> str:
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if needle in line)
    return "".join([*lines[:at], comment, *lines[at:]])


@pytest.mark.parametrize(
    ("rel", "needle", "comment"),
    [
        ("arch/sparc/include/asm/pgalloc_64.h", "__tlb_remove_table", "/* a comment */\n"),
        ("arch/sparc/include/asm/pgalloc_64.h", "__tlb_remove_table", "\n"),
        ("arch/sparc/Kconfig", "config SPARC64", "# a comment\n"),
    ],
)
def test_a_comment_carries_the_verdicts_with_lines_moved(
    tree_dir: Path, monkeypatch: pytest.MonkeyPatch, rel: str, needle: str, comment: str
) -> None:
    rules = load_rules([RULES])
    tree = KernelTree.open(tree_dir)
    before = engine.audit(tree, rules, ["sparc"])  # kept in the cache
    edited = _comment_above(tree.read_text(rel), needle, comment)
    after_tree = tree.with_overlay({rel: edited})

    def no_check(*args: object) -> None:
        raise AssertionError("checked again instead of carried over")

    with monkeypatch.context() as m:
        m.setattr(engine, "audit_arch", no_check)
        carried = engine.audit(after_tree, rules, ["sparc"], base=tree)
    monkeypatch.setenv("KCONSIST_NO_CACHE", "1")
    full = engine.audit(KernelTree.open(tree_dir).with_overlay({rel: edited}), rules, ["sparc"])
    assert carried.findings == full.findings
    assert carried.findings != before.findings or rel.endswith("Kconfig")
    moved = [f for f in full.findings if f.file == rel]
    assert moved or rel.endswith("Kconfig")


def test_an_edit_that_matters_is_checked_again(tree_dir: Path) -> None:
    rules = load_rules([RULES])
    tree = KernelTree.open(tree_dir)
    before = engine.audit(tree, rules, ["sparc"])
    assert any(f.arch == "sparc" for f in before.findings)
    header = "arch/sparc/include/asm/pgalloc_64.h"
    # A comment whose text the line scans read (a "#"): not taken as inert.
    edited = _comment_above(tree.read_text(header), "__tlb_remove_table", "/* #if 0 */\n")
    edited = edited.replace("void __tlb_remove_table", "void __tlb_remove_tablX")
    after = engine.audit(tree.with_overlay({header: edited}), rules, ["sparc"], base=tree)
    assert not any(f.file == header for f in after.findings)


def test_a_listing_read_covers_the_files_it_names() -> None:
    log = {
        ("list", "arch/x86", ".c"),
        ("file", "arch/x86/a.c"),
        ("file", "arch/x86/a.h"),
        ("names", "", "Kconfig"),
        ("file", "drivers/net/Kconfig.x"),
        ("file", "drivers/net/a.c"),
    }
    assert verdicts.narrow(log) == {
        ("list", "arch/x86", ".c"),
        ("file", "arch/x86/a.h"),
        ("names", "", "Kconfig"),
        ("file", "drivers/net/a.c"),
    }


def test_listing_digests_see_added_removed_and_edited_files(tree_dir: Path) -> None:
    cache = verdicts.VerdictCache(load_rules([RULES]))
    kconfigs, sources = ("names", "", "Kconfig"), ("list", "arch", ".h")

    def digests() -> tuple[str, str]:
        ids = cache.ids(KernelTree.open(tree_dir))
        return ids.of(kconfigs), ids.of(sources)

    first = digests()
    (tree_dir / "drivers").mkdir()
    (tree_dir / "drivers/Kconfig.new").write_text("config NEW\n\tbool\n")
    second = digests()
    assert second[0] != first[0] and second[1] == first[1]
    (tree_dir / "drivers/notes.txt").write_text("not a Kconfig file\n")
    assert digests() == second
    header = tree_dir / "arch/x86/include/asm/tlb.h"
    header.write_text(header.read_text() + "/* more */\n")
    third = digests()
    assert third[0] == second[0] and third[1] != second[1]
    header.unlink()
    assert digests()[1] != third[1]


# -- listing digests answered from the index ---------------------------------------------


def _listing_run(tree_dir: Path, index: Path, read: tuple[str, ...]) -> tuple[str, set[str]]:
    """One run's digest of ``read`` and what it saw differ from the index."""
    disk = verdicts.DiskIds.load(tree_dir, index)
    digest = disk.listing(read)
    fresh = set(disk._fresh)
    disk.save()
    return digest, fresh


def _from_nothing(tree_dir: Path, read: tuple[str, ...]) -> str:
    return verdicts.DiskIds.load(tree_dir, None).listing(read)


def test_a_listing_digest_is_reused_only_while_nothing_under_it_changed(
    tree_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verdicts, "RACY_NS", 0)  # the files were all just written
    index = tmp_path / "index"
    read = ("list", "arch", ".h")
    first, _ = _listing_run(tree_dir, index, read)
    again, fresh = _listing_run(tree_dir, index, read)
    assert (again, fresh) == (first, set())  # every file as remembered: the digest kept
    header = tree_dir / "arch/x86/include/asm/tlb.h"
    # Another content of the same size, the mtime put back: the ctime tells.
    st = header.stat()
    text = header.read_text()
    header.write_text(text.replace("tlb", "TLB", 1))
    os.utime(header, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert header.stat().st_size == st.st_size and header.stat().st_mtime_ns == st.st_mtime_ns
    edited, fresh = _listing_run(tree_dir, index, read)
    assert edited != first and "arch/x86/include/asm/tlb.h" in fresh
    assert edited == _from_nothing(tree_dir, read)
    # A file added to a scanned directory, the directory's mtime put back.
    folder = header.parent
    st = folder.stat()
    (folder / "new.h").write_text("#define NEW 1\n")
    os.utime(folder, ns=(st.st_atime_ns, st.st_mtime_ns))
    added, fresh = _listing_run(tree_dir, index, read)
    assert added != edited and added == _from_nothing(tree_dir, read)
    # A file removed.
    (folder / "new.h").unlink()
    removed, _ = _listing_run(tree_dir, index, read)
    assert removed == edited == _from_nothing(tree_dir, read)
    # A new mtime, the same content: looked at again (hashed), the same digest.
    os.utime(header, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    touched, fresh = _listing_run(tree_dir, index, read)
    assert touched == edited and fresh == set()
    # A file outside the listing's suffixes changes nothing it names.
    (folder / "notes.txt").write_text("not a header\n")
    assert _listing_run(tree_dir, index, read)[0] == edited


def test_a_warm_audit_sees_an_edit_that_keeps_size_and_mtime(tree_dir: Path) -> None:
    # Each step waits out the racy window, so that what a run saw is remembered and
    # the next one answers from the index wherever the stamps agree.
    time.sleep(verdicts.RACY_NS / 1e9 + 0.1)
    before = sites(audit_json(tree_dir))
    assert sites(audit_json(tree_dir)) == before  # every digest now remembered
    header = tree_dir / "arch/sparc/include/asm/pgalloc_64.h"
    st = header.stat()
    header.write_text(header.read_text().replace("__tlb_remove_table", "__tlb_remove_tablX"))
    os.utime(header, ns=(st.st_atime_ns, st.st_mtime_ns))
    time.sleep(verdicts.RACY_NS / 1e9 + 0.1)
    after = sites(audit_json(tree_dir))
    assert after != before
    assert after == sites(audit_json(tree_dir, {"KCONSIST_NO_CACHE": "1"}))
    # The run that saw the edit remembered the file's new stamp: the next one must
    # not take the listing digests from before it (the file is read through them).
    assert sites(audit_json(tree_dir)) == after


def test_rule_files_are_kept_by_content(tmp_path: Path) -> None:
    rule_file = tmp_path / "rules.yaml"
    rule_file.write_text(RULES.read_text())
    first = load_rules([rule_file], cached=True)
    assert [r.id for r in first] == [r.id for r in load_rules([rule_file])]
    assert list((Path(os.environ["KCONSIST_CACHE_DIR"]) / "rules").iterdir())  # kept
    assert load_rules([rule_file], cached=True) == first
    rule_file.write_text(rule_file.read_text().replace("severity: error", "severity: info", 1))
    assert next(r.severity for r in load_rules([rule_file], cached=True)) == "info"
    rule_file.write_text("rules: [{id: Bad}]\n")
    with pytest.raises(RuleError):  # never kept: reported each time
        load_rules([rule_file], cached=True)
    with pytest.raises(RuleError):
        load_rules([rule_file], cached=True)


# -- soundness: random single-line edits, carried or worked out, equal a full check -----

_EDIT_LINES = [
    "# a comment\n",
    "\t# an indented comment\n",
    "\n",
    "\t  # help-indented comment\n",
    "# a comment that continues \\\n",
    "\tselect PT_RECLAIM\n",
    "\tdepends on SMP\n",
    "\tdef_bool y\n",
]


def test_random_single_line_kconfig_edits_equal_a_full_check(
    tree_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each edit (a line added or removed anywhere in a Kconfig file: comments, blank
    lines, statements) audited with HEAD's cached verdicts as the base, as the
    pre-commit hook does, equals an audit of the edited tree without any cache."""

    rng = random.Random(10)
    rules = load_rules([RULES])
    tree = KernelTree.open(tree_dir)
    arches = tree.arches()
    engine.audit(tree, rules, arches)  # the base, kept in the cache
    files = sorted(tree.rel(p) for p in tree_dir.rglob("Kconfig*"))
    carried = 0
    for _ in range(30):
        rel = rng.choice(files)
        lines = tree.read_text(rel).splitlines(keepends=True)
        at = rng.randrange(len(lines) + 1)
        if rng.random() < 0.2 and lines:
            edited = "".join(lines[:at] + lines[at + 1 :])
        else:
            edited = "".join([*lines[:at], rng.choice(_EDIT_LINES), *lines[at:]])
        after = KernelTree.open(tree_dir).with_overlay({rel: edited})
        incremental = engine.audit(after, rules, arches, base=KernelTree.open(tree_dir))
        carried += edits.moves(rel, tree.read_text(rel), edited) is not None
        with monkeypatch.context() as m:
            m.setenv("KCONSIST_NO_CACHE", "1")
            full = engine.audit(
                KernelTree.open(tree_dir).with_overlay({rel: edited}), rules, arches
            )
        assert incremental.findings == full.findings, (rel, at)
        assert incremental.errors == full.errors, (rel, at)
        assert incremental.suppressed == full.suppressed, (rel, at)
    assert carried >= 5  # the carried path did run


def test_a_warm_audit_loads_no_reader_or_solver(tree_dir: Path) -> None:
    """Answered from the cache, an audit imports neither the engine nor what it is built
    on (kconfiglib, tree-sitter, the SAT solver, YAML and JSON Schema for rules)."""
    probe = (
        "import sys; from kconsist.main import main; "
        f"rc = main(['audit', {str(tree_dir)!r}, '--format', 'json']); "
        "heavy = ('kconsist.engine', 'kconfiglib', 'tree_sitter', 'pysat', 'yaml', "
        "'jsonschema'); print(rc, sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )

    def loaded() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=False
        )
        return done.stderr.strip().splitlines()[-1]

    cold = "1 ['jsonschema', 'kconfiglib', 'kconsist.engine', 'pysat', 'tree_sitter', 'yaml']"
    assert loaded() == cold
    assert loaded() == "1 []"  # warm: everything from the cache


# -- content ids from git ----------------------------------------------------------------


def _git(tree: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=tree,
        check=True,
        capture_output=True,
    )


def _committed(tree: Path) -> None:
    _git(tree, "init", "-q")
    _git(tree, "add", "-A", "-f", ".")
    _git(tree, "commit", "-q", "-m", "base")


def _every_id(tree: Path) -> dict[str, str | None]:
    disk = verdicts.DiskIds.load(tree, None)
    found = {rel: disk.get(rel) for rel in disk.files("") if not rel.startswith(".git/")}
    assert disk._git  # git's word was asked
    return found


def _hashed(tree: Path) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for path in sorted(tree.rglob("*")):
        rel = path.relative_to(tree).as_posix()
        if not rel.startswith(".git/") and rel != ".git" and path.is_file():
            out[rel] = verdicts.blob_id(path.read_bytes())
    return out


def test_ids_git_vouches_for_are_the_contents_ids(
    tree_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A symbolic link (git's blob: the link's text) and a file git is told not to look
    # at, both changed: each id is still that of what the path reads.
    monkeypatch.setattr(verdicts, "GIT_AFTER", 0)  # git's ids from the first file
    (tree_dir / "arch/x86/include/asm/link.h").symlink_to("tlb.h")
    _committed(tree_dir)
    assert _every_id(tree_dir) == _hashed(tree_dir)
    header = tree_dir / "arch/x86/include/asm/tlb.h"
    header.write_text(header.read_text() + "/* edited */\n")
    sparc = tree_dir / "arch/sparc/include/asm/pgalloc_64.h"
    _git(tree_dir, "update-index", "--assume-unchanged", "arch/sparc/include/asm/pgalloc_64.h")
    sparc.write_text(sparc.read_text() + "/* not looked at by git */\n")
    assert _every_id(tree_dir) == _hashed(tree_dir)
    _git(tree_dir, "add", "arch/x86/include/asm/tlb.h")  # staged: a new index
    assert _every_id(tree_dir) == _hashed(tree_dir)


def test_a_listing_digest_in_a_git_work_tree_follows_each_edit(
    tree_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verdicts, "RACY_NS", 0)  # the files were all just written
    monkeypatch.setattr(verdicts, "GIT_AFTER", 0)  # git's ids from the first file
    _committed(tree_dir)
    index = tmp_path / "index"
    read = ("list", "arch", ".h")
    first, _ = _listing_run(tree_dir, index, read)
    again, fresh = _listing_run(tree_dir, index, read)
    assert (again, fresh) == (first, set())
    header = tree_dir / "arch/x86/include/asm/tlb.h"
    st = header.stat()
    text = header.read_text()
    header.write_text(text.replace("tlb", "TLB", 1))  # same size, mtime put back
    os.utime(header, ns=(st.st_atime_ns, st.st_mtime_ns))
    edited, fresh = _listing_run(tree_dir, index, read)
    assert edited != first and "arch/x86/include/asm/tlb.h" in fresh
    assert edited == _from_nothing(tree_dir, read)
    _git(tree_dir, "add", "arch/x86/include/asm/tlb.h")  # now clean against a new index
    staged, _ = _listing_run(tree_dir, index, read)
    assert staged == edited
    header.write_text(text)  # back as committed, but the index holds the edit
    back, fresh = _listing_run(tree_dir, index, read)
    assert back == first and "arch/x86/include/asm/tlb.h" in fresh
    assert back == _from_nothing(tree_dir, read)


def test_the_run_after_an_edit_keeps_the_edited_digest(
    tree_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run that sees an edit remembers the file's new stamp; the listing's digest
    # it remembers must be the new one too, or the next run (nothing under the
    # listing new to it) answers with the digest from before the edit.
    monkeypatch.setattr(verdicts, "RACY_NS", 0)
    index = tmp_path / "index"
    read = ("list", "arch", ".h")
    _listing_run(tree_dir, index, read)
    first, fresh = _listing_run(tree_dir, index, read)  # the digest remembered
    assert fresh == set()
    header = tree_dir / "arch/x86/include/asm/tlb.h"
    header.write_text(header.read_text() + "/* edited */\n")
    edited, fresh = _listing_run(tree_dir, index, read)
    assert edited != first and fresh == {"arch/x86/include/asm/tlb.h"}
    again, fresh = _listing_run(tree_dir, index, read)
    assert (again, fresh) == (edited, set())


def test_a_file_written_anew_under_its_name_leaves_its_directory_as_listed(
    tree_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An editor's save (or git checkout) writes a new file and renames it over the old
    # one: the directory's times move, its entries do not. Only the file's content can
    # change a listing then, and its own id says whether it did.
    monkeypatch.setattr(verdicts, "RACY_NS", 0)
    index = tmp_path / "index"
    read = ("list", "arch", ".h")
    _listing_run(tree_dir, index, read)
    first, _ = _listing_run(tree_dir, index, read)
    header = tree_dir / "arch/x86/include/asm/tlb.h"
    folder_stamp = header.parent.stat().st_mtime_ns

    def save_as(text: str) -> None:
        spare = header.with_name("tlb.h.swp")
        spare.write_text(text)
        os.replace(spare, header)

    text = header.read_text()
    time.sleep(0.01)
    save_as(text)
    assert header.parent.stat().st_mtime_ns != folder_stamp
    disk = verdicts.DiskIds.load(tree_dir, index)
    assert disk.listing(read) == first
    assert disk._fresh_dirs == set() and disk._fresh == set()
    disk.save()
    save_as(text + "/* edited */\n")
    edited, fresh = _listing_run(tree_dir, index, read)
    assert edited != first and fresh == {"arch/x86/include/asm/tlb.h"}
    assert edited == _from_nothing(tree_dir, read)
