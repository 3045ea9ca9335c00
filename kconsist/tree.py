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
    """

    root: Path
    overlay: dict[str, str | None] = field(default_factory=dict)
    # Directory listings on disk by prefix, shared with the overlays made from this tree
    # (one command reads a directory many times; the disk does not change under it).
    _walked: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        return {"root": self.root, "overlay": self.overlay, "_walked": {}}  # not shipped

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> KernelTree:
        root = Path(path).resolve()
        missing = [name for name in ("Makefile", "Kconfig", "arch") if not (root / name).exists()]
        if not root.is_dir():
            raise TreeError("not a directory", file=str(path))
        if missing:
            raise TreeError(
                "not a kernel source tree (missing " + ", ".join(missing) + ")", file=str(path)
            )
        tree = cls(root)
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
        return KernelTree(self.root, merged, self._walked)

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
        reads.note("file", rel)
        if rel in self.overlay:
            return self.overlay[rel] is not None
        try:
            return (self.root / rel).is_file()
        except OSError:  # e.g. a name too long for the file system: no such file
            return False

    def read_text(self, rel: str, keep_newlines: bool = False) -> str:
        """The file's text; ``keep_newlines`` keeps CRLF as is (for byte-exact edits)."""
        reads.note("file", rel)
        if rel in self.overlay:
            text = self.overlay[rel]
            if text is None:
                raise TreeError("no such file", file=rel)
            # Kept byte for byte (a patch's result); read as open() reads the disk.
            if keep_newlines or "\r" not in text:
                return text
            return text.replace("\r\n", "\n").replace("\r", "\n")
        newline = "" if keep_newlines else None
        try:
            with open(
                self.root / rel, encoding="utf-8", errors="surrogateescape", newline=newline
            ) as f:
                return f.read()
        except OSError as e:
            raise TreeError(e.strerror or "cannot be read", file=rel) from None

    def mentions(self, rel: str, needle: str) -> bool:
        """Whether the file holds ``needle``, read as bytes (no decoding): the cheap
        filter of a scan over the whole tree."""
        reads.note("file", rel)
        if rel in self.overlay:
            return needle in (self.overlay[rel] or "")
        try:
            with open(self.root / rel, "rb") as f:
                return needle.encode("utf-8", "surrogateescape") in f.read()
        except OSError:
            return True  # let read_text report it

    def files(self, prefix: str, suffixes: tuple[str, ...] = ()) -> Iterator[str]:
        """Tree-relative paths of the files under ``prefix``, sorted, overlay included."""
        prefix = prefix.rstrip("/")
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
            found = [prefix] if base.is_file() else []
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
