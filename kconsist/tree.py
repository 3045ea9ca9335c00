"""The kernel tree model: which files a tree has and which architectures it builds.

Everything downstream reads the tree through :class:`KernelTree`, never through the
file system directly, so that a patch can be laid over a tree in memory (``overlay``)
and checked without touching the working tree.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import re
import stat
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from kconsist import reads

# ARCH values that select a word size inside one SRCARCH (scripts/subarch.include and
# the top Makefile). Auditing uses ARCH=SRCARCH so both word sizes stay reachable;
# the variants name the configuration in counterexamples.
ARCH_VARIANTS: dict[str, dict[str, str]] = {
    "x86": {"x86_64": "64BIT=y", "i386": "64BIT=n"},
    "sparc": {"sparc64": "64BIT=y", "sparc32": "64BIT=n"},
    "parisc": {"parisc64": "64BIT=y"},
    "sh": {},
}

# UML builds on a host architecture whose headers it borrows (HEADER_ARCH, SUBARCH).
UM_HEADER_ARCH = "x86"


# Every read of the tree is bounded: only regular files inside the tree, at most this
# many bytes each (the largest source file of a kernel tree, an amdgpu register header,
# is 24 MB but no rule reads it; the largest a bundled rule parses is under 1 MB).
DEFAULT_MAX_FILE_SIZE = 8 << 20
MAX_FILE_SIZE_ENV = "KCONSIST_MAX_FILE_SIZE"
_SIZE = re.compile(r"\s*(\d+)\s*([KMG]?)i?B?\s*", re.I)


def parse_size(text: str) -> int:
    """Bytes of ``text``: a number, optionally with K, M or G (powers of 1024)."""
    m = _SIZE.fullmatch(text)
    if m is None or int(m.group(1)) == 0:
        raise ValueError(f"not a size: {text!r} (e.g. 8M, 512K, 1000000)")
    return int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2).upper()]


def max_file_size_from_env() -> int:
    """``$KCONSIST_MAX_FILE_SIZE``, else :data:`DEFAULT_MAX_FILE_SIZE`."""
    text = os.environ.get(MAX_FILE_SIZE_ENV, "")
    if not text:
        return DEFAULT_MAX_FILE_SIZE
    try:
        return parse_size(text)
    except ValueError as e:
        raise TreeError(f"{MAX_FILE_SIZE_ENV}: {e}") from None


_CONFIG_LINE = re.compile(r"^[ \t]*(?:menu)?config[ \t]+(\w+)", re.M)


class TreeError(Exception):
    """The path is not a kernel tree, or a file of it cannot be read."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = self.file or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class ArchEnv:
    """The Kconfig environment of one architecture directory under ``arch/``."""

    name: str  # directory under arch/, e.g. "sparc"; also the ARCH value used to load it
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class KernelTree:
    """A kernel source tree on disk, optionally with files replaced in memory.

    ``overlay`` maps tree-relative paths to new contents; ``None`` deletes a file.
    Every read goes through :meth:`_read_bytes`, the one place that keeps reads inside
    the tree (no ``..``, no symbolic link out), to regular files (a FIFO or a device
    is an error, never opened) of at most ``max_file_size`` bytes.
    """

    root: Path
    overlay: dict[str, str | None] = field(default_factory=dict)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # Directory listings on disk by prefix, shared with the overlays made from this tree
    # (one command reads a directory many times; the disk does not change under it).
    _walked: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)
    # Real paths of directories, resolved once: realpath of every file read walked each
    # of its components again, a tenth of a whole-tree scan.
    _real_dirs: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # Whether a path is a file on disk: an include graph asks each header's paths for
    # every arch file that includes it.
    _is_file: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        return {  # the listings are not shipped to worker processes
            "root": self.root,
            "overlay": self.overlay,
            "max_file_size": self.max_file_size,
            "_walked": {},
            "_real_dirs": {},
            "_is_file": {},
        }

    @classmethod
    def open(cls, path: str | os.PathLike[str], max_file_size: int | None = None) -> KernelTree:
        """The tree at ``path``; ``max_file_size`` defaults to the environment's."""
        limit = max_file_size_from_env() if max_file_size is None else max_file_size
        root = Path(path).resolve()
        missing = [name for name in ("Makefile", "Kconfig", "arch") if not (root / name).exists()]
        if not root.is_dir():
            raise TreeError("not a directory", file=str(path))
        if missing:
            raise TreeError(
                "not a kernel source tree (missing " + ", ".join(missing) + ")", file=str(path)
            )
        tree = cls(root, max_file_size=limit)
        _ = tree.version  # raises when the Makefile has no VERSION/PATCHLEVEL
        return tree

    def state_key(self) -> tuple[str, str]:
        """What identifies this state of the tree for an in-process cache: the root, and
        a digest of the overlay's contents (two trees with equal overlays are equal)."""
        digest = hashlib.sha256()
        for rel in sorted(self.overlay):
            text = self.overlay[rel]
            body = b"\x00deleted" if text is None else text.encode("utf-8", "surrogateescape")
            digest.update(f"{len(rel)}:{rel}:{len(body)}:".encode("utf-8", "surrogateescape"))
            digest.update(body)
        return str(self.root), digest.hexdigest()

    def with_overlay(self, changes: Mapping[str, str | None]) -> KernelTree:
        merged = dict(self.overlay)
        merged.update(changes)
        return KernelTree(
            self.root, merged, self.max_file_size, self._walked, self._real_dirs, self._is_file
        )

    # -- files -------------------------------------------------------------------

    def path(self, rel: str) -> Path:
        return self.root / rel

    def rel(self, path: str | os.PathLike[str]) -> str:
        """Tree-relative form of ``path`` (absolute or already relative)."""
        text = os.fspath(path)  # string work: this is asked once per Kconfig entry
        if not os.path.isabs(text):
            return Path(text).as_posix() if os.sep != "/" else text
        root = str(self.root) + os.sep
        return text[len(root) :] if text.startswith(root) else Path(text).as_posix()

    def exists(self, rel: str) -> bool:
        """Whether the tree has an entry ``rel`` that is not a directory (a FIFO or a
        link out of the tree exists: reading it is an error that names it)."""
        reads.note("file", rel)
        if rel in self.overlay:
            return self.overlay[rel] is not None
        if rel not in self._is_file:
            try:
                path = os.path.join(self.root, _inside(rel))
            except TreeError:
                return False  # a question, not a read: nothing outside the tree is in it
            self._is_file[rel] = os.path.lexists(path) and not os.path.isdir(path)
        return self._is_file[rel]

    def read_text(self, rel: str, keep_newlines: bool = False) -> str:
        """The file's text; ``keep_newlines`` keeps CRLF as is (for byte-exact edits)."""
        reads.note("file", rel)
        if rel in self.overlay:
            text = self.overlay[rel]
            if text is None:
                raise TreeError("no such file", file=rel)
            if len(text) > self.max_file_size // 4:  # else it cannot be over the limit
                self._check_size(rel, len(text.encode("utf-8", "surrogateescape")))
            # Kept byte for byte (a patch's result); read as open() reads the disk.
            if keep_newlines or "\r" not in text:
                return text
            return text.replace("\r\n", "\n").replace("\r", "\n")
        text = self._read_bytes(rel).decode("utf-8", "surrogateescape")
        return text if keep_newlines else text.replace("\r\n", "\n").replace("\r", "\n")

    def mentions(self, rel: str, needle: str) -> bool:
        """Whether the file holds ``needle``, read as bytes (no decoding): the cheap
        filter of a scan over the whole tree."""
        reads.note("file", rel)
        if rel in self.overlay:
            return needle in (self.overlay[rel] or "")
        try:
            return needle.encode("utf-8", "surrogateescape") in self._read_bytes(rel)
        except TreeError:
            return True  # let read_text report it

    def _read_bytes(self, rel: str) -> bytes:
        """The bytes of file ``rel`` on disk, within every bound (see the class). Few
        system calls: a tree-wide scan reads every file of the tree this way."""
        path = self._in_real_dir(rel)
        try:
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                path = self._followed(rel, path)
                info = os.stat(path)
            # Checked before opening: opening a FIFO blocks, opening a device may act.
            self._check_regular(rel, info)
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError as e:
            raise TreeError(e.strerror or "cannot be read", file=rel) from None
        try:
            info = os.fstat(fd)  # what was opened, should it have changed since
            self._check_regular(rel, info)
            self._check_size(rel, info.st_size)
            data = _read_fd(fd, info.st_size, self.max_file_size + 1)
        except OSError as e:
            raise TreeError(e.strerror or "cannot be read", file=rel) from None
        finally:
            os.close(fd)
        self._check_size(rel, len(data))  # grown since fstat
        return data

    def _in_real_dir(self, rel: str) -> str:
        """``rel`` with its directory's symbolic links resolved (the directory must
        stay inside the tree); its last component as it is."""
        directory, _, name = _inside(rel).rpartition("/")
        if directory not in self._real_dirs:
            self._real_dirs[directory] = os.path.realpath(self.root / directory)
        real = os.path.join(self._real_dirs[directory], name)
        self._check_within(rel, real)
        return real

    def _followed(self, rel: str, link: str) -> str:
        """Where the symbolic link ``link`` leads, which must stay inside the tree: a
        link out of it is an error, never followed."""
        real = os.path.realpath(link)
        self._check_within(rel, real)
        return real

    def _check_within(self, rel: str, real: str) -> None:
        root = str(self.root)
        if real != root and not real.startswith(root + os.sep):
            raise TreeError(f"a symbolic link to {real}, outside the tree: not read", file=rel)

    @staticmethod
    def _check_regular(rel: str, info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            raise TreeError(f"not a regular file ({_file_type(info.st_mode)}): not read", file=rel)

    def _check_size(self, rel: str, size: int) -> None:
        if size > self.max_file_size:
            raise TreeError(
                f"larger than the limit of {self.max_file_size} bytes: not read "
                f"(--max-file-size, ${MAX_FILE_SIZE_ENV})",
                file=rel,
            )

    def files(self, prefix: str, suffixes: tuple[str, ...] = ()) -> Iterator[str]:
        """Tree-relative paths of the files under ``prefix``, sorted, overlay included:
        every entry that is not a directory (reading a FIFO or a link out of the tree
        is the error that reports it); links to directories are not followed."""
        prefix = _inside(prefix.rstrip("/"))
        reads.note("list", prefix, *suffixes)
        found = set(self._on_disk(prefix))
        for rel, text in self.overlay.items():
            if not prefix or rel == prefix or rel.startswith(prefix + "/"):
                if text is None:
                    found.discard(rel)
                else:
                    found.add(rel)
        for rel in sorted(found):
            if not suffixes or rel.endswith(suffixes):
                yield rel

    def _on_disk(self, prefix: str) -> list[str]:
        if prefix not in self._walked:
            base = self.root / prefix
            found = [prefix] if prefix and os.path.lexists(base) and not base.is_dir() else []
            root = str(self.root) + os.sep
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames.sort()
                rel_dir = (dirpath + os.sep).removeprefix(root).replace(os.sep, "/")
                found += [rel_dir + name for name in filenames]
            self._walked[prefix] = found
        return self._walked[prefix]

    # -- kernel facts ------------------------------------------------------------

    def kconfig_symbols(self) -> frozenset[str]:
        """Every symbol a ``config``/``menuconfig`` line of any Kconfig file defines:
        what "defined nowhere in this tree" is decided against. Read on first use only
        (a rule names a symbol the arch at hand does not define)."""
        return _kconfig_symbols(self)

    @property
    def version(self) -> tuple[int, int]:
        text = self.read_text("Makefile")
        values = dict(re.findall(r"^(VERSION|PATCHLEVEL)\s*=\s*(\d+)", text, re.M))
        if set(values) != {"VERSION", "PATCHLEVEL"}:
            raise TreeError("top Makefile has no VERSION/PATCHLEVEL", file="Makefile")
        return int(values["VERSION"]), int(values["PATCHLEVEL"])

    def _arch_dirs(self) -> list[str]:
        """Every directory under arch/, on disk or in the overlay, sorted."""
        on_disk = (self.root / "arch").iterdir()
        names = {p.name for p in on_disk if p.is_dir()}
        # arch/<a>/...: a file right under arch/ (arch/Kconfig) names no directory.
        names |= {
            rel.split("/")[1]
            for rel in self.overlay
            if rel.count("/") >= 2 and rel.startswith("arch/")
        }
        return sorted(n for n in names if n)

    def arches(self) -> list[str]:
        """Architecture directories: those under arch/ that have a Kconfig."""
        return [n for n in self._arch_dirs() if self.exists(f"arch/{n}/Kconfig")]

    def not_arches(self) -> dict[str, str]:
        """Directories under arch/ that hold files but no Kconfig, each with why it is
        not an arch: what a whole-tree audit lists as skipped rather than leaving out."""
        return {
            name: why_not_arch(name)
            for name in self._arch_dirs()
            if not self.exists(f"arch/{name}/Kconfig") and next(self.files(f"arch/{name}"), None)
        }

    def arch_env(self, name: str) -> ArchEnv:
        # Asked first, so that the arch's Kconfig is a noted read even when the whole
        # arch directory is gone (a cached verdict rests on it).
        has_kconfig = self.exists(f"arch/{name}/Kconfig")
        if not has_kconfig or name not in self.arches():
            raise TreeError(why_not_arch(name), file=f"arch/{name}/Kconfig")
        major, minor = self.version
        env = {
            "srctree": str(self.root),
            "ARCH": name,
            "SRCARCH": name,
            "KERNELVERSION": f"{major}.{minor}.0",
            "CC": "gcc",
            "LD": "ld",
            "OBJCOPY": "objcopy",
            "CLANG_FLAGS": "",
            "RUSTC": "rustc",
            "BINDGEN": "bindgen",
            "PAHOLE": "pahole",
            "CC_VERSION_TEXT": "gcc (kconsist) 14.2.0",
            # Also exported by the top Makefile and read by Kconfig files; values
            # match the model toolchain of kconsist.kconfig.preprocess (no rustc, no
            # pahole).
            "NM": "nm",
            "AR": "ar",
            "PYTHON3": "python3",
            "USERCFLAGS": "",
            "USERLDFLAGS": "",
            "CROSS_COMPILE_COMPAT": "",
            "RUSTC_VERSION_TEXT": "",
            "PAHOLE_VERSION": "0",
        }
        if name == "um":
            env["HEADER_ARCH"] = UM_HEADER_ARCH
            env["SUBARCH"] = UM_HEADER_ARCH
        return ArchEnv(name=name, env=env)


P = ParamSpec("P")
T = TypeVar("T")

# Tree-wide scans kept per function: the states of one run (a front door's before and
# after, a series' patches one by one) and the arguments it asks with (a prefix, a
# directory) fit; more is evicted, least recently used first.
PER_TREE_STATE_ENTRIES = 16


def per_tree_state(
    scan: Callable[Concatenate[KernelTree, P], T],
) -> Callable[Concatenate[KernelTree, P], T]:
    """Decorator: ``scan(tree, *args)``, a read of the whole tree, done once per tree
    state and arguments. The key is :meth:`KernelTree.state_key` (the root and the
    overlay's contents), never the tree object's identity: two trees with the same
    files share the result, and an overlay that changes a file does not."""
    memo: OrderedDict[tuple[Hashable, ...], tuple[T, frozenset[reads.Read]]] = OrderedDict()
    signature = inspect.signature(scan)

    @functools.wraps(scan)
    def cached(tree: KernelTree, *args: P.args, **kwargs: P.kwargs) -> T:
        bound = signature.bind(tree, *args, **kwargs)
        bound.apply_defaults()  # f(tree) and f(tree, "") are one entry
        key = (tree.state_key(), *list(bound.arguments.values())[1:])
        if key in memo:
            memo.move_to_end(key)
            # What the scan read is noted again, so that every cached verdict resting
            # on it is keyed by those files, whoever ran the scan first.
            reads.replay(memo[key][1])
        else:
            memo[key] = reads.capture(lambda: scan(tree, *args, **kwargs))
            if len(memo) > PER_TREE_STATE_ENTRIES:
                memo.popitem(last=False)
        return memo[key][0]

    return cached


@per_tree_state
def _kconfig_symbols(tree: KernelTree) -> frozenset[str]:
    names: set[str] = set()
    with reads.instead("names", "", "Kconfig"):  # rests on the Kconfig files only
        for rel in tree.files(""):
            if rel.rsplit("/", 1)[-1].startswith("Kconfig"):
                try:
                    names.update(_CONFIG_LINE.findall(tree.read_text(rel)))
                except TreeError:
                    continue  # reported by the arches that read it
    return frozenset(names)


def why_not_arch(name: str) -> str:
    """Why ``arch/<name>`` is not checked: the message of an arch without a Kconfig."""
    return f"arch/{name} has no Kconfig, so arch {name} cannot be checked"


def _read_fd(fd: int, size: int, limit: int) -> bytes:
    """At most ``limit`` bytes of ``fd``, read to its end; ``size`` (what fstat said)
    sizes the first read, so a file that did not grow is read at once."""
    parts: list[bytes] = []
    total = 0
    while total < limit:
        part = os.read(fd, min(limit - total, max(size + 1 - total, 1 << 16)))
        if not part:
            break
        parts.append(part)
        total += len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _inside(rel: str) -> str:
    """``rel`` if it names a place inside the tree ("" or "." for the root), else a
    :class:`TreeError`: absolute, or with a ``..`` component."""
    parts = rel.replace(os.sep, "/").split("/")
    if os.path.isabs(rel) or ".." in parts or "\0" in rel:
        raise TreeError("path outside the tree: not read", file=rel)
    return "" if rel in ("", ".") else rel


_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def _file_type(mode: int) -> str:
    return next((name for test, name in _FILE_TYPES if test(mode)), "not a file")
