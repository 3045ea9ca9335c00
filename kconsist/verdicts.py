"""The content-keyed cache of verdicts: what one arch's audit found, kept with every
file it read, in the user cache directory (:func:`kconsist.cachedir.cache_root`,
``verdicts/``).

An entry is keyed by kconsist's own code (version and a digest of its sources), the
rule set (the rule files' bytes and the rules taken from them) and the arch; it holds
the outcome and its reads (:mod:`kconsist.reads`): each file's content id, or its
absence, and each directory listing's digest (names and contents). It is used only
when every one of those is the same in the tree at hand, so an edit anywhere the
audit looked makes it miss; nothing else can (time, the tree's path, which command
wrote it). Content ids are git blob ids: from git's index inside a git work tree
(for the files git reports unchanged), else hashed from the file, remembered per
tree by size, mtime, ctime and inode so that a later run hashes only what changed;
a directory is listed again only when its times moved, and a listing's digest is
worked out again only when a file or directory under it is not as remembered (every
file is still looked at: a stat, nothing read). What changed within the last
:data:`RACY_NS` is not remembered (file times are coarse: a second edit in the same
clock tick would keep them), as git does with "racily clean" entries.

Several states are kept per key (:data:`MAX_STATES`: the working tree, HEAD for a
pre-commit, each state of a series). Every file is written to a temporary name and
renamed, so concurrent runs never see half an entry; an entry that does not load
(truncated, corrupted, another format) is removed and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from kconsist import __version__, reads
from kconsist.cachedir import cache_root
from kconsist.tree import KernelTree

FORMAT = 1
MAX_STATES = 8  # per (code, rules, arch)
RACY_NS = 2_000_000_000
GIT_AFTER = 64  # files hashed before git's index is read for the ids of the others
_MAGIC = b"kconsist-verdicts\n"
T = TypeVar("T")

# -- content ids ----------------------------------------------------------------------


def blob_id(data: bytes) -> str:
    """The git blob id of ``data``."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass
class DiskIds:
    """Content ids of the files on disk under one tree root, for one process."""

    root: Path
    index_file: Path | None
    # file -> (its stamp, its id); a stamp is (size, mtime, ctime, inode): any write
    # moves the ctime, even one that puts the size and mtime back
    _known: dict[str, tuple[Stamp, str]] = field(default_factory=dict)
    # directory -> (stamp, subdirectories, symlinks, other entries): a listing is read
    # again only where a directory's stamp moved (an entry added, removed or renamed)
    _dirs: dict[str, Snapshot] = field(default_factory=dict)
    # listing read -> its digest of the disk, as last worked out: used again while no
    # file under it has a new id and no directory under it a new listing (_touched)
    _digests: dict[Read, str] = field(default_factory=dict)
    _ids: dict[str, str | None] = field(default_factory=dict)
    _walked: dict[str, list[str]] = field(default_factory=dict)
    # directories looked at by this process, for walks of nested prefixes
    _looked: dict[str, Snapshot | None] = field(default_factory=dict)
    # listing read -> the files it names, sorted; and the reads whose files were looked at
    _named: dict[Read, list[str]] = field(default_factory=dict)
    _seen: set[Read] = field(default_factory=set)
    # what this process saw differ from the index: files whose id is not the one
    # remembered (or gone), directories whose entries are not (or gone)
    _fresh: set[str] = field(default_factory=set)
    _fresh_dirs: set[str] = field(default_factory=set)
    _hashed = 0  # files hashed here: a few are cheaper to hash than to ask git about
    _git: dict[str, tuple[bytes, bytes]] | None = None  # git's index (_git_index)
    _changed = False

    def __post_init__(self) -> None:
        self._top = str(self.root) + os.sep

    @classmethod
    def load(cls, root: Path, index_file: Path | None) -> DiskIds:
        ids = cls(root, index_file)
        if index_file is not None:
            with contextlib.suppress(Exception):  # missing or damaged: hashed again
                known = _read_payload(index_file)
                if isinstance(known, dict) and set(known) == {"files", "dirs", "lists"}:
                    ids._known, ids._dirs = known["files"], known["dirs"]
                    code, digests = known["lists"]
                    # digests made by other code may be worked out otherwise
                    ids._digests = digests if code == code_digest() else {}
        return ids

    def files(self, prefix: str) -> list[str]:
        """Every file under ``prefix`` (a superset of what ``KernelTree.files`` lists:
        symlinked directories too, as entries)."""
        prefix = "" if prefix in ("", ".") else prefix.strip("/")
        if prefix not in self._walked:
            found: list[str] = []
            if prefix and os.path.isfile(self._top + prefix):
                found.append(prefix)
            self._walk(prefix, found)
            self._walked[prefix] = sorted(found)  # as listing digests take them
        return self._walked[prefix]

    def _walk(self, rel_dir: str, out: list[str]) -> None:
        if rel_dir in self._looked:
            snap = self._looked[rel_dir]
        else:
            snap = self._looked[rel_dir] = self._snapshot(rel_dir)
        if snap is None:
            return
        lead = f"{rel_dir}/" if rel_dir else ""
        out += [lead + name for name in (*snap[2], *snap[3])]
        for name in snap[1]:
            self._walk(lead + name, out)

    def _snapshot(self, rel_dir: str) -> Snapshot | None:
        path = self._top + rel_dir
        try:
            st = os.stat(path)
        except OSError:
            self._fresh_dirs.add(rel_dir)
            return None
        key = _stamp(st)
        old = snap = self._dirs.get(rel_dir)
        if snap is None or snap[0] != key:
            snap = _scan_dir(path, key)
            # New to listings only if its entries are: a file written anew under the
            # same name (git checkout, an editor's save) moves the directory's times.
            if snap is None or old is None or snap[1:] != old[1:]:
                self._fresh_dirs.add(rel_dir)
            if snap is None:
                return None
            if not _racy(st):
                self._dirs[rel_dir] = snap
                self._changed = True
        return snap

    def get(self, rel: str) -> str | None:
        if rel not in self._ids:
            self._look((rel,))
        return self._ids[rel]

    def _look(self, names: Iterable[str]) -> None:
        """The content id of each of ``names``, in one tight loop: a warm run looks at
        every file of the tree (a stat each), and this is most of what it does."""
        ids, known, top, is_regular = self._ids, self._known, self._top, stat.S_ISREG
        for rel in names:
            if rel in ids:
                continue
            try:
                st = os.stat(top + rel)
            except OSError:
                ids[rel] = None
                self._fresh.add(rel)
                continue
            if not is_regular(st.st_mode):
                ids[rel] = f"mode:{st.st_mode}"
                continue
            kept = known.get(rel)
            stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            ids[rel] = kept[1] if kept is not None and kept[0] == stamp else self._regular(rel, st)

    def _regular(self, rel: str, st: os.stat_result) -> str:
        key = _stamp(st)
        known = self._known.get(rel)
        if known is not None and known[0] == key:
            return known[1]
        value = self._from_git(rel, key)
        if value is None:
            try:
                value = blob_id((self.root / rel).read_bytes())
            except OSError as e:
                self._fresh.add(rel)
                return f"unreadable:{e.errno}"
        if known is None or known[1] != value:
            self._fresh.add(rel)  # a new content: a new stamp alone changes no listing
        if not _racy(st):
            self._known[rel] = (key, value)
            self._changed = True
        return value

    def named(self, read: Read) -> list[str]:
        """The files on disk a listing read names, sorted (worked out once: every
        state's entries of every arch repeat the same few listings)."""
        if read not in self._named:
            prefix, kind, rest = read[1].strip("/"), read[0], tuple(read[2:])
            self._named[read] = list(_filtered(self.files(prefix), kind, rest))
        return self._named[read]

    def listing(self, read: Read) -> str:
        """The digest of what a listing read names on disk, and of their contents. Each
        file is looked at (a stat, once per process); the digest is worked out again
        only when one of them, or a directory under it, is not as the index remembers
        it."""
        names = self.named(read)
        if read not in self._seen:
            self._look(names)
            self._seen.add(read)
        known = self._digests.get(read)
        touched = self._touched(read)
        if known is not None and not touched:
            return known
        digest = _digest((rel, self._ids[rel]) for rel in names)
        # Remembered even when something under it was new: the digest of what is
        # there now, never the one from before (a file still within the racy window
        # is not remembered itself, so the next run looks at it and works this out
        # again).
        if digest != known:
            self._digests[read] = digest
            self._changed = True
        return digest

    def _touched(self, read: Read) -> bool:
        """Whether a file ``read`` names, or a directory under it, was not as the index
        remembers (a file it does not name changes nothing it covers)."""
        prefix, kind, rest = read[1].strip("/"), read[0], tuple(read[2:])
        lead = prefix + "/" if prefix else ""

        def under(p: str) -> bool:
            return not prefix or p == prefix or p.startswith(lead)

        return any(under(d) for d in self._fresh_dirs) or any(
            under(f) and _lists(kind, rest, f) for f in self._fresh
        )

    def _from_git(self, rel: str, stamp: Stamp) -> str | None:
        """The blob id git's index holds for ``rel`` when the file's stamp is the one
        the index recorded with it, to the nanosecond (git itself compares times to
        the second, which an edit that keeps the size and puts the mtime back within
        that second would pass); asked only once many files are new here (a cold run),
        not for the few of an edit."""
        self._hashed += 1
        if self._hashed <= GIT_AFTER:
            return None
        if self._git is None:
            self._git = _git_index(self.root)
        found = self._git.get(rel)
        head = found and _INDEX_HEAD.match(found[0])
        times = found and head and _INDEX_STAT.match(found[1])
        if not (found and head and times):
            return None
        cs, cn, ms, mn, ino, size = (int(x) for x in times.groups())
        recorded = (size, ms * 10**9 + mn, cs * 10**9 + cn, ino)
        # the index keeps 32 bits of a size and an inode number
        if recorded != (stamp[0] & 0xFFFFFFFF, stamp[1], stamp[2], stamp[3] & 0xFFFFFFFF):
            return None
        return head[1].decode()

    def save(self) -> None:
        if self._changed and self.index_file is not None:
            payload = {
                "files": self._known,
                "dirs": self._dirs,
                "lists": (code_digest(), self._digests),
            }
            with contextlib.suppress(OSError):  # no cache then, not an error
                _write_payload(self.index_file, payload)
            self._changed = False


def _digest(items: Iterable[tuple[str, str | None]]) -> str:
    digest = hashlib.sha256()
    for rel, value in items:
        digest.update(f"{rel}\0{value}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


Stamp = tuple[int, int, int, int]
Snapshot = tuple[Stamp, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _stamp(st: os.stat_result) -> Stamp:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _racy(st: os.stat_result) -> bool:
    """Modified so recently that a change within the same clock tick would keep the
    times (file times are coarse): not remembered, looked at again next time."""
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS


def _scan_dir(path: str, stamp: Stamp) -> Snapshot | None:
    dirs, links, others = [], [], []
    try:
        with os.scandir(path) as entries:
            for e in entries:
                if e.is_symlink():
                    links.append(e.name)  # its target may change: an entry, by content
                elif e.is_dir(follow_symlinks=False):
                    dirs.append(e.name)
                else:
                    others.append(e.name)
    except OSError:
        return None
    return stamp, tuple(sorted(dirs)), tuple(sorted(links)), tuple(sorted(others))


# An entry of ``git ls-files --stage -v --debug -z``: tag H (git looks at the file:
# neither assumed unchanged nor skipped in the work tree), a regular file's mode, its
# blob id, stage 0; then the stat data the index recorded with it.
_INDEX_HEAD = re.compile(rb"H 10(?:0644|0755) ([0-9a-f]+) 0\t")
_INDEX_STAT = re.compile(
    rb"  ctime: (\d+):(\d+)\n  mtime: (\d+):(\d+)\n  dev: \d+\tino: (\d+)\n"
    rb"  uid: \d+\tgid: \d+\n  size: (\d+)\t"
)


def _git_index(root: Path) -> dict[str, tuple[bytes, bytes]]:
    """Each file git's index holds (when ``root`` is the top of a git work tree; else
    nothing), as its raw head and stat data: parsed only for the files asked about."""
    if not (root / ".git").exists():
        return {}
    try:
        out = _git_bytes(root, "ls-files", "--stage", "-v", "--debug", "-z")
    except (OSError, subprocess.CalledProcessError):
        return {}
    chunks = out.split(b"\0")  # a path may hold a newline, never a NUL
    entries: dict[str, tuple[bytes, bytes]] = {}
    head = chunks[0]
    for chunk in chunks[1:]:
        lines = chunk.split(b"\n", 5)  # five lines of stat data, then the next head
        rel = head.partition(b"\t")[2].decode("utf-8", "surrogateescape")
        entries[rel] = (head, chunk)
        head = lines[5] if len(lines) == 6 else b""
    return entries


def _git_bytes(root: Path, *args: str) -> bytes:
    done = subprocess.run(
        ["git", "-C", str(root), "--literal-pathspecs", *args],
        capture_output=True,
        check=True,
        env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
    )
    return done.stdout


class StateIds:
    """Content ids of one tree state: its overlay first, then the disk."""

    def __init__(self, tree: KernelTree, disk: DiskIds):
        self.tree = tree
        self.disk = disk
        self._lists: dict[Read, str] = {}

    def file(self, rel: str) -> str | None:
        if rel in self.tree.overlay:
            text = self.tree.overlay[rel]
            return None if text is None else blob_id(text.encode("utf-8", "surrogateescape"))
        return self.disk.get(rel)

    def listing(self, read: Read) -> str:
        """A digest of the files a listing read names, and their contents."""
        if read not in self._lists:
            prefix, rest = read[1].strip("/"), tuple(read[2:])
            under = [
                (rel, text)
                for rel, text in self.tree.overlay.items()
                if (prefix in ("", ".") or rel == prefix or rel.startswith(prefix + "/"))
                and _lists(read[0], rest, rel)
            ]
            if not under:  # the disk's, as it was (the overlay holds nothing it names)
                self._lists[read] = self.disk.listing(read)
                return self._lists[read]
            names = set(self.disk.named(read))
            for rel, text in under:
                (names.discard if text is None else names.add)(rel)
            self._lists[read] = _digest((rel, self.file(rel)) for rel in sorted(names))
        return self._lists[read]

    def of(self, read: Read) -> str | None:
        return self.file(read[1]) if read[0] == "file" else self.listing(read)

    def dependencies(self, log: Iterable[Read]) -> dict[Read, str | None]:
        """Each read with its content id or digest; a file inside a listing read as
        well is left out (the listing's digest covers its content, or its coming)."""
        return {r: self.of(r) for r in sorted(narrow(log))}

    def holds(self, deps: dict[Read, str | None]) -> bool:
        return all(self.of(r) == value for r, value in deps.items())


Read = reads.Read


def _lists(kind: str, rest: tuple[str, ...], rel: str) -> bool:
    """Whether a listing read of ``kind`` with ``rest`` names file ``rel`` (under it)."""
    if kind == "names":
        return rel.rsplit("/", 1)[-1].startswith(rest[0])
    return not rest or rel.endswith(rest)


def _filtered(rels: Iterable[str], kind: str, rest: tuple[str, ...]) -> Iterable[str]:
    """The files of ``rels`` a listing read of ``kind`` with ``rest`` names (as
    :func:`_lists` decides, without a call per file)."""
    if kind == "names":
        return (rel for rel in rels if rel.rsplit("/", 1)[-1].startswith(rest[0]))
    return (rel for rel in rels if rel.endswith(rest)) if rest else rels


def _covered(read: Read, lists: dict[str, list[Read]]) -> bool:
    if read[0] != "file":
        return False
    rel = read[1]
    parts = rel.split("/")
    for depth in range(len(parts) + 1):
        for listing in lists.get("/".join(parts[:depth]), ()):
            if _lists(listing[0], tuple(listing[2:]), rel):
                return True
    return False


def narrow(log: Iterable[Read]) -> frozenset[Read]:
    """``log`` without the file reads a listing read of it covers (its digest holds
    their content, or their coming)."""
    every = set(log)
    lists: dict[str, list[Read]] = {}
    for r in every:
        if r[0] != "file":
            prefix = r[1].strip("/")
            lists.setdefault("" if prefix == "." else prefix, []).append(r)
    return frozenset(r for r in every if not _covered(r, lists))


# -- the store ------------------------------------------------------------------------


@cache
def code_digest() -> str:
    """kconsist's version and a digest of its own sources: an entry written by other
    code is never used."""
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".scm") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def rules_digest(rules: Sequence[Any]) -> str:
    """The rule files' bytes and which rules of them are used."""
    digest = hashlib.sha256()
    for name in sorted({str(r.file) for r in rules}):
        try:
            digest.update(name.encode() + b"\0" + Path(name).read_bytes())
        except OSError:
            digest.update(name.encode() + b"\0unreadable")
    for r in rules:
        digest.update(repr((str(r.file), r.line, r.id, r.binding)).encode())
    return digest.hexdigest()


def memo(kind: str, key: bytes, make: Callable[[], T]) -> T:
    """``make()``, kept in the cache directory under ``kind``, keyed by kconsist's code
    and ``key`` (which must hold everything the value is made from): what a warm run
    takes instead of working it out again (a rule file's rules). Not kept when ``make``
    raises; an entry that does not load is made again."""
    if not enabled():
        return make()
    digest = hashlib.sha256(f"{code_digest()}\0{kind}\0".encode() + key).hexdigest()
    path = cache_root() / kind / digest[:40]
    try:
        return _read_payload(path)  # type: ignore[return-value]  # ours, checked
    except FileNotFoundError:
        pass
    except Exception:  # any damage: made again
        with contextlib.suppress(OSError):
            path.unlink()
    value = make()
    with contextlib.suppress(OSError):  # no cache then, not an error
        _write_payload(path, value)
    return value


def enabled() -> bool:
    return os.environ.get("KCONSIST_NO_CACHE", "") in ("", "0")


class VerdictCache:
    """Per-arch outcomes of one rule set, for the states of one tree."""

    def __init__(self, rules: Sequence[Any], base: Path | None = None, settings: str = ""):
        # ``settings``: what else changes an outcome for the same files (the size limit
        # decides whether a large file is read or reported).
        self.base = (base or cache_root()) / "verdicts"
        key = f"{code_digest()}\0{rules_digest(rules)}\0{settings}"
        self.key = hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def for_tree(cls, rules: Sequence[Any], tree: KernelTree) -> VerdictCache:
        """The cache of ``rules`` for audits of ``tree`` with its settings."""
        return cls(rules, settings=f"max_file_size={tree.max_file_size}")

    def _dir(self, arch: str) -> Path:
        return self.base / hashlib.sha256(f"{self.key}\0{arch}".encode()).hexdigest()[:32]

    def lookup(self, ids: StateIds, arch: str) -> Any | None:
        """The outcome kept for this state of the tree, or None."""
        found = self.lookup_entry(ids, arch)
        return None if found is None else found[0]

    def lookup_entry(self, ids: StateIds, arch: str) -> tuple[Any, list[Read]] | None:
        """The outcome kept for this state of the tree and what it read, or None."""
        where = self._dir(arch)
        try:
            names = sorted(where.glob("*.entry"), key=_mtime, reverse=True)
        except OSError:
            return None
        for path in names[:MAX_STATES]:
            entry = self._load(path)
            if entry is not None and entry["arch"] == arch and ids.holds(entry["deps"]):
                with contextlib.suppress(OSError):
                    os.utime(path)  # recently used: kept longest
                return entry["outcome"], list(entry["deps"])
        return None

    def _load(self, path: Path) -> dict[str, Any] | None:
        try:
            stamp = path.stat().st_mtime_ns
            if path in _LOADED and _LOADED[path][0] == stamp:
                entry = _LOADED[path][1]
            else:
                entry = _read_payload(path)
                if len(_LOADED) >= 512:
                    _LOADED.clear()
                _LOADED[path] = (stamp, entry)
            if isinstance(entry, dict) and entry.get("key") == self.key:
                return entry
        except FileNotFoundError:
            return None
        except Exception:  # any damage: rebuilt
            pass
        with contextlib.suppress(OSError):
            path.unlink()
        return None

    def store(self, ids: StateIds, arch: str, outcome: Any, log: Iterable[Read]) -> None:
        deps = ids.dependencies(log)
        state = hashlib.sha256(repr(sorted(deps.items(), key=repr)).encode()).hexdigest()[:32]
        where = self._dir(arch)
        entry = {"key": self.key, "arch": arch, "deps": deps, "outcome": outcome}
        try:
            where.mkdir(parents=True, exist_ok=True)
            _write_payload(where / f"{state}.entry", entry)
            self._prune(where)
        except OSError:
            return  # a cache that cannot be written is no cache, not an error

    def _prune(self, where: Path) -> None:
        names = sorted(where.glob("*.entry"), key=_mtime, reverse=True)
        for old in names[MAX_STATES:]:
            with contextlib.suppress(OSError):
                old.unlink()

    def ids(self, tree: KernelTree) -> StateIds:
        """Content ids of ``tree``'s state. What is on disk is looked at once per command
        (per family of trees made from one :meth:`KernelTree.open`, which also share
        their directory listings): the disk does not change under a command."""
        scope = tree._walked  # the per-command memo of the tree family
        found = [i for i, entry in enumerate(_DISK) if entry[0] is scope]
        if found:
            _DISK.append(_DISK.pop(found[0]))
        else:
            name = hashlib.sha256(str(tree.root).encode()).hexdigest()[:32]
            _DISK.append((scope, DiskIds.load(tree.root, self.base / "files" / name), {}))
            del _DISK[:-4]
        _, disk, states = _DISK[-1]
        state = tree.state_key()  # one StateIds per state: its listing digests are kept
        if state not in states:
            if len(states) >= 64:
                states.clear()
            states[state] = StateIds(tree, disk)
        return states[state]


_DISK: list[tuple[object, DiskIds, dict[tuple[str, str], StateIds]]] = []
_LOADED: dict[Path, tuple[int, Any]] = {}  # entries this process read, by file and mtime


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _write_payload(path: Path, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _read_payload(path: Path) -> object:
    """The value written by :func:`_write_payload`; ValueError when it is damaged."""
    raw = path.read_bytes()
    if not raw.startswith(_MAGIC):
        raise ValueError("not a kconsist cache file")
    digest, _, data = raw[len(_MAGIC) :].partition(b"\n")
    if hashlib.sha256(data).hexdigest().encode() != digest:
        raise ValueError("damaged")
    return pickle.loads(data)  # our own file, checked above
